"""The field forms' page (the Dinas registers a KoboToolbox form and gets its secret once, or
deactivates one) and the endpoint KoboToolbox's REST service posts each submission to.

The endpoint is the one page without a session: it proves nothing by cookies, so it is the
one exempt from CSRF, and the form's secret is its only key (`Authorization: Bearer …`, or
HTTP basic with the secret as the password). Its answers are JSON, `kode` stable for the
sender and `pesan` in Indonesian; a refusal says nothing about what exists.
"""

import base64
import binascii
import json
import math
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from rentan.accounts.access import Capability, requires
from rentan.core.confirm import Consequences, ask_to_confirm, is_confirmed
from rentan.imports import field_form_services as services
from rentan.imports.forms import FieldFormForm
from rentan.imports.models import FieldForm
from rentan.imports.selectors import field_form_for_secret


@requires(Capability.MANAGE_FIELD_FORMS)
def field_forms(request: HttpRequest) -> HttpResponse:
    form = FieldFormForm(request.POST or None)
    registered = None
    if request.method == "POST" and form.is_valid():
        try:
            registered = services.register_field_form(
                actor=request.user,
                name=form.cleaned_data["name"],
                xform_id=form.cleaned_data["xform_id"],
                kelurahan_code=form.cleaned_data["kelurahan"] or "",
            )
        except services.FieldFormRefused as refused:
            form.add_error("xform_id", str(refused))
        else:
            form = FieldFormForm()
    return render(
        request,
        "imports/field_forms.html",
        {
            "form": form,
            # The secret is in this answer only: the database keeps its hash.
            "registered": registered,
            "endpoint": request.build_absolute_uri(reverse("imports:kobo_submission")),
            "field_forms": FieldForm.objects.select_related("kelurahan", "created_by"),
        },
    )


@requires(Capability.MANAGE_FIELD_FORMS)
def field_form_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """GET, or a POST without the confirmation, asks first."""
    field_form = get_object_or_404(FieldForm, pk=pk)
    if not is_confirmed(request):
        return ask_to_confirm(
            request,
            Consequences(
                title=_("Nonaktifkan formulir?"),
                effects=[
                    _(
                        "Kiriman baru dari formulir “%(name)s” (%(code)s) ditolak; yang sudah "
                        "diterima tetap di impornya untuk ditinjau."
                    )
                    % {"name": field_form.name, "code": field_form.xform_id}
                ],
                undo=_(
                    "Tidak dapat diurungkan: untuk menerima kiriman lagi, daftarkan formulir "
                    "dengan kode rahasia baru."
                ),
                confirm_label=_("Ya, nonaktifkan"),
                back_url=reverse("imports:field_forms"),
            ),
        )
    try:
        services.deactivate_field_form(actor=request.user, field_form=field_form)
    except services.FieldFormRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Formulir %(name)s dinonaktifkan.") % {"name": field_form.name})
    return redirect("imports:field_forms")


def _refusal(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse({"kode": code, "pesan": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="rentan"'
    return response


def _secret(request: HttpRequest) -> str:
    """The secret the sender gives: a bearer token, or the password of HTTP basic."""
    scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return ""


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def _is_plain(value: object) -> bool:
    """JSON without NaN or infinities, which no database column takes."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_is_plain(item) for item in value.values())
    return True


@csrf_exempt
@require_POST
def kobo_submission(request: HttpRequest) -> HttpResponse:
    """One KoboToolbox submission (its REST service's JSON) into its form's batch."""
    field_form = field_form_for_secret(_secret(request))
    if field_form is None:
        return _refusal(401, "tidak_berwenang", _("Kode rahasia formulir tidak dikenal."))
    if not field_form.is_active:
        return _refusal(403, "formulir_nonaktif", _("Formulir ini sudah dinonaktifkan."))
    limit = settings.RENTAN_SUBMISSION_MAX_BYTES
    too_large = _refusal(
        413, "terlalu_besar", _("Kiriman lebih dari %(limit)s byte.") % {"limit": limit}
    )
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return too_large
    body = request.read(limit + 1)
    if len(body) > limit:
        return too_large
    try:
        submission = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return _refusal(400, "bukan_json", _("Isi kiriman bukan JSON yang sah."))
    if not isinstance(submission, dict) or not _is_plain(submission):
        return _refusal(400, "bukan_json", _("Isi kiriman bukan JSON yang sah."))
    if len(submission) > settings.RENTAN_SHEET_MAX_COLUMNS:
        return _refusal(
            413,
            "terlalu_banyak_isian",
            _("Kiriman berisi lebih dari %(limit)s isian.")
            % {"limit": settings.RENTAN_SHEET_MAX_COLUMNS},
        )
    xform_id = submission.get("_xform_id_string")
    if xform_id is not None and xform_id != field_form.xform_id:
        return _refusal(
            403, "formulir_lain", _("Kiriman ini dari formulir lain dari yang didaftarkan.")
        )
    try:
        receipt = services.receive_submission(field_form=field_form, submission=submission)
    except services.SubmissionRefused as refused:
        status = 403 if refused.code == "formulir_nonaktif" else 400
        return _refusal(status, refused.code, refused.message)
    return JsonResponse(
        {
            "kode": "diterima" if receipt.is_new else "sudah_diterima",
            "impor": receipt.batch.pk,
            "baris": receipt.row_number,
            "status_baris": receipt.row_status,
        },
        status=201 if receipt.is_new else 200,
    )
