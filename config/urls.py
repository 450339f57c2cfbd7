from django.contrib.auth import views as auth_views
from django.urls import include, path

from rentan.accounts import views as accounts_views
from rentan.api.api import api
from rentan.operations import health
from rentan.reporting import views as reporting_views

urlpatterns = [
    path("", reporting_views.home, name="home"),
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/", accounts_views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("pekerja/", include("rentan.registry.urls")),
    path("impor/", include("rentan.imports.urls")),
    path("program/", include("rentan.programmes.urls")),
    path("kepesertaan/", include("rentan.enrollment.urls")),
    path("laporan/", include("rentan.reporting.urls")),
    path("pengaduan/", include("rentan.complaints.urls")),
    path("audit/", include("rentan.registry.audit_urls")),
    path("sehat/", health.health, name="health"),
    path("akun/token-api/", include("rentan.api.token_urls")),
    path("api/v1/", api.urls),
]

# Refused and missing pages in Rentan's layout, in Indonesian, with the user's menu (400 and
# 500 keep Django's handlers, which render 400.html and 500.html without a request).
handler403 = "rentan.accounts.views.permission_denied"
handler404 = "rentan.accounts.views.page_not_found"
