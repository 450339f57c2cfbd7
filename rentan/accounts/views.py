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
