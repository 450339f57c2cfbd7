from django.urls import path

from rentan.enrollment import views

app_name = "enrollment"
urlpatterns = [
    path("", views.memberships, name="memberships"),
    path("tetapkan/<int:cycle_id>/", views.create_memberships, name="create_memberships"),
    path("ekspor/<int:cycle_id>/", views.export_registration, name="export"),
    path("ekspor/<int:cycle_id>/kemajuan/", views.export_progress, name="export_progress"),
    path("berkas/", views.exchange_files, name="exchange_files"),
    path("balasan/", views.import_reply, name="import_reply"),
    path("berkas/<int:pk>/", views.exchange_detail, name="exchange_detail"),
    path("berkas/<int:pk>/unduh/", views.exchange_download, name="exchange_download"),
    path("susunan-kolom/<int:programme_id>/", views.registration_mapping, name="mapping"),
    path("peserta/<int:pk>/", views.membership_detail, name="membership_detail"),
    path("peserta/<int:pk>/berhenti/", views.end_membership, name="end_membership"),
    path("pengganti/<int:pk>/", views.approve_replacement, name="approve_replacement"),
    path("iuran/", views.billing_overview, name="billing"),
    path("iuran/tagihan/", views.import_bill, name="import_bill"),
    path("iuran/tagihan/<int:pk>/", views.bill_detail, name="bill_detail"),
    path("iuran/bayar/<int:cycle_id>/<str:month>/", views.record_payment, name="record_payment"),
    path("klaim/", views.claims, name="claims"),
    path("klaim/<int:pk>/", views.claim_detail, name="claim_detail"),
]
