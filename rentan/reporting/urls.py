from django.urls import path

from rentan.reporting import list_exports, map_views, mayor_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.report, name="report"),
    path("unduh/<slug:table>/", views.report_xlsx, name="report_xlsx"),
    path("publik/", views.public, name="public"),
    path("wali-kota/", mayor_views.mayor_report, name="mayor_report"),
    path(
        "wali-kota/<slug:code>/<int:year>/<str:month>.pdf",
        mayor_views.mayor_pdf_view,
        name="mayor_pdf",
    ),
    path("peta/", map_views.coverage_map_view, name="coverage_map"),
    path("peta/batas/", map_views.upload_boundaries, name="upload_boundaries"),
    # Every list as .xlsx, scoped and masked as its page.
    path("ekspor/pekerja.xlsx", list_exports.persons_xlsx, name="export_persons"),
    path("ekspor/kepesertaan.xlsx", list_exports.memberships_xlsx, name="export_memberships"),
    path("ekspor/iuran.xlsx", list_exports.bills_xlsx, name="export_bills"),
    path(
        "ekspor/tagihan/<int:pk>.xlsx",
        list_exports.reconciliation_xlsx,
        name="export_reconciliation",
    ),
    path("ekspor/klaim.xlsx", list_exports.claims_xlsx, name="export_claims"),
    path(
        "ekspor/alokasi/<slug:code>/<int:year>.xlsx",
        list_exports.placements_xlsx,
        name="export_placements",
    ),
    path("ekspor/duplikat.xlsx", list_exports.duplicates_xlsx, name="export_duplicates"),
]
