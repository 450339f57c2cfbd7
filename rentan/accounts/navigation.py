"""The one navigation for every role: each menu item shows only to those who may use it.

Every page draws the menu, so what it costs is paid on every request: the addresses are
reversed once per process, and each count of waiting work is kept a few seconds per role and
kelurahan, what decides what the user may see (`core.kept`)."""

from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from rentan.accounts.access import Capability, can, kelurahan_scope
from rentan.core.kept import kept

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
# path (the apps sit above this one), over what the user may see and nothing else: a count
# that depends on the user's role and kelurahan only, since it is shared between the users
# who have both.
MENU_COUNTS: dict[str, str] = {
    "registry:change_request_list": "rentan.registry.selectors.pending_change_request_count",
}

_addresses: dict[tuple[Any, ...], str] = {}


def _address(url_name: str) -> str:
    key = (get_script_prefix(), get_urlconf(), url_name)
    address = _addresses.get(key)
    if address is None:
        address = _addresses[key] = reverse(url_name)
    return address


def menu_count(url_name: str, user: Any) -> int:
    """The count beside a menu item, kept for the user's role and kelurahan."""
    count = import_string(MENU_COUNTS[url_name])
    return int(kept(("menu", url_name, user.role, kelurahan_scope(user)), lambda: count(user)))


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    items = [
        {
            "label": label,
            "url": address,
            "active": request.path == address,
            "count": menu_count(url_name, user) if url_name in MENU_COUNTS else 0,
        }
        for label, url_name, capability in MENU
        if capability is None or can(user, capability)
        for address in (_address(url_name),)
    ]
    return {"menu": items, "work_area": work_area(user)}


def work_area(user: Any) -> str:
    """The kelurahan a user's work is confined to, for the header ("" for the Dinas roles),
    so an operator sees at once whose data the pages hold."""
    if not kelurahan_scope(user) or user.kelurahan is None:
        return ""
    return str(user.kelurahan.name)
