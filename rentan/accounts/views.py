from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from rentan.accounts import services
from rentan.accounts.client_ip import client_ip
from rentan.accounts.forms import PasswordChangeForm


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page (old password, new twice, the password rules) saving through the service
    that records the change."""

    form_class = PasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        services.change_password(
            user=form.user,
            new_password=form.cleaned_data["new_password1"],
            ip=client_ip(self.request),
        )
        # Keeps this session signed in; the account's other sessions end.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Kata sandi sudah diganti."))
        return HttpResponseRedirect(self.get_success_url())


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' answer to a locked username and address: the login page saying why."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = (credentials or {}).get("username", "")
    return render(
        request,
        "registration/login.html",
        {
            "form": AuthenticationForm(request, initial={"username": username}),
            "lockout_message": _(
                "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)d menit "
                "atau hubungi admin Dinas."
            )
            % {"minutes": minutes},
            "next": request.POST.get("next", ""),
        },
        status=429,
    )


# The answers to a refused or missing page. Each is a page in Rentan's layout with the
# signed-in user's menu, so whoever lands on one can carry on with their own work; an htmx
# request gets only the message, which replaces the part of the page that asked.
def _error_page(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    context = {"title": title, "message": message, "status": status}
    if request.headers.get("HX-Request"):
        return render(request, "_error.html", context, status=status)
    return render(request, f"{status}.html", context, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        status=403,
        title=_("Akses ditolak"),
        message=_(
            "Halaman ini bukan bagian dari pekerjaan peran Anda. Pilih pekerjaan Anda di menu, "
            "atau hubungi admin Dinas bila Anda memerlukan akses."
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        status=404,
        title=_("Halaman tidak ditemukan"),
        message=_(
            "Alamat ini tidak ada, atau datanya tidak termasuk wilayah atau pekerjaan Anda. "
            "Periksa alamatnya, atau kembali ke menu."
        ),
    )
