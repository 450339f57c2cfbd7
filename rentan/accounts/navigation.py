"""The one navigation for every role: each menu item shows only to those who may use it."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from rentan.accounts.access import Capability, can, kelurahan_scope

MENU: list[tuple[Any, str, Capability | None]] = [
    (_("Beranda"), "home", None),
    (_("Pekerja"), "registry:person_list", Capability.VIEW_PERSONS),
    (_("Impor Data"), "imports:batch_list", Capability.IMPORT_DATA),
    (_("Usulan perubahan"), "registry:change_request_list", Capability.VIEW_PERSONS),
    (_("Duplikat"), "registry:duplicate_list", Capability.REVIEW_DUPLICATES),
    (_("Program"), "programmes:programme_list", Capability.MANAGE_PROGRAMME),
    (_("Seleksi"), "programmes:selection_index", Capability.READ_SELECTION),
    (_("Kepesertaan"), "enrollment:memberships", Capability.VIEW_ENROLLED_ROSTER),
    (_("Berkas BPJS"), "enrollment:exchange_files", Capability.EXCHANGE_BPJS_FILES),
    (_("Iuran & Tagihan"), "enrollment:billing", Capability.MANAGE_ENROLLMENT),
    (_("Klaim"), "enrollment:claims", Capability.VIEW_ENROLLED_ROSTER),
    (_("Pengaduan"), "complaints:complaint_list", Capability.HANDLE_COMPLAINTS),
    (_("Laporan"), "reporting:report", Capability.VIEW_AGGREGATES),
    (_("Audit"), "audit:event_list", Capability.READ_AUDIT),
]

# Menu items that show how many things wait there, each counted by a function named by its
# path (the apps sit above this one), over what the user may see and nothing else.
MENU_COUNTS: dict[str, str] = {
    "registry:change_request_list": "rentan.registry.selectors.pending_change_request_count",
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    items = [
        {
            "label": label,
            "url": reverse(url_name),
            "active": request.path == reverse(url_name),
            "count": import_string(MENU_COUNTS[url_name])(user) if url_name in MENU_COUNTS else 0,
        }
        for label, url_name, capability in MENU
        if capability is None or can(user, capability)
    ]
    return {"menu": items, "work_area": work_area(user)}


def work_area(user: Any) -> str:
    """The kelurahan a user's work is confined to, for the header ("" for the Dinas roles),
    so an operator sees at once whose data the pages hold."""
    if not kelurahan_scope(user) or user.kelurahan is None:
        return ""
    return str(user.kelurahan.name)
