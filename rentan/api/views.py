"""The page "Token API": a user's personal API tokens, made (the secret shown once) and
revoked; the admin sees and manages every user's."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rentan.accounts.access import Capability, can
from rentan.api import services
from rentan.api.forms import TokenForm
from rentan.api.models import ApiToken


def _tokens_of(user: Any) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.select_related("user", "created_by")
    if can(user, Capability.MANAGE_API_TOKENS):
        return tokens
    return tokens.filter(user=user)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    may_choose_user = can(request.user, Capability.MANAGE_API_TOKENS)
    form = TokenForm(request.POST or None, may_choose_user=may_choose_user)
    created = None
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data.get("user") or request.user
        created = services.create_api_token(
            actor=request.user,
            user=owner,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
        )
        form = TokenForm(may_choose_user=may_choose_user)
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "created": created,
            "tokens": _tokens_of(request.user),
            "may_choose_user": may_choose_user,
        },
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = _tokens_of(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("Token %(name)s dicabut.") % {"name": token.name})
    return redirect("tokens:token_list")
