"""Who may open what: the expected answer of every URL, per role, for a record inside and
outside the user's area.

`rentan/accounts/tests/test_access_matrix.py` walks every URL pattern of the project for
every role and holds the answers to this table; a URL missing here fails that test. Adding
a URL is one line:

    "app:url_name": get("record", admin=200, operator=(200, 404)),

- `get` or `post`: the method the test calls (`post` for views that take only POST; the
  test then also checks that a GET gives 405, and that a refused POST changes nothing).
- the record the URL names, or None: one of the kinds the test builds (`person`, `pair`,
  `batch`, `programme`, `cycle`, `cycle_person`, `exchange`, `membership`, `bill`, `claim`,
  `report_table`, `occupation`, `complaint`, `change_request`, `field_form`),
  each in two versions: inside the operator's kelurahan (Medono) and outside it (Sokoduwet).
- per role (`anonim`, `admin`, `operator`, `verifikator`, `bpjs`, `pimpinan`; `semua` for
  every signed-in role) the status code, or (inside, outside) when the two differ. A role
  not named gets 403, and `anonim` gets 302 (to the login page).
"""

from dataclasses import dataclass, field

Outcome = int | tuple[int, int]

ROLES = ("anonim", "admin", "operator", "verifikator", "bpjs", "pimpinan")
SIGNED_IN = ROLES[1:]


@dataclass(frozen=True)
class Expect:
    method: str
    record: str | None
    outcomes: dict[str, tuple[int, int]] = field(default_factory=dict)
    # `anonim` named in the entry: a 302 for anonymous visitors is then the page's own
    # redirect, not the way to the login page.
    is_public: bool = False

    def outcome(self, role: str, *, inside: bool) -> int:
        pair = self.outcomes[role]
        return pair[0] if inside else pair[1]


def _expect(method: str, record: str | None, given: dict[str, Outcome]) -> Expect:
    unknown = set(given) - {*ROLES, "semua"}
    if unknown:
        raise ValueError(f"Peran tidak dikenal di tabel akses: {sorted(unknown)}")
    everyone = given.pop("semua", 403)
    outcomes: dict[str, tuple[int, int]] = {}
    for role in ROLES:
        value = given.get(role, 302 if role == "anonim" else everyone)
        outcomes[role] = value if isinstance(value, tuple) else (value, value)
    return Expect(method, record, outcomes, is_public="anonim" in given)


def get(record: str | None = None, **given: Outcome) -> Expect:
    return _expect("GET", record, given)


def post(record: str | None = None, **given: Outcome) -> Expect:
    return _expect("POST", record, given)


def api(method: str, record: str | None = None, **given: Outcome) -> Expect:
    """An API operation, called with a personal token of each role: without one (`anonim`)
    it answers 401, and a role not named 403."""
    return _expect(method, record, {"anonim": 401, **given})


# The Dinas roles see the whole region; an operator only their own kelurahan (a record of
# another is a 404: it does not exist for them); pimpinan only aggregates.
ACCESS: dict[str, Expect] = {
    # -- signing in, language, home
    "login": get(anonim=200, semua=200),
    "logout": post(anonim=302, semua=302),
    "set_language": get(anonim=302, semua=302),
    "home": get(semua=200),
    # For monitoring: no login, no personal data (503 when something is wrong).
    "health": get(anonim=200, semua=200),
    "password_change": get(semua=200),
    # -- personal API tokens: everyone their own; the admin every user's (a token of the
    # operator here: others get 404, it does not exist for them)
    "tokens:token_list": get(semua=200),
    "tokens:token_revoke": post("api_token", admin=302, operator=302, semua=404),
    # -- the API's schema and documentation page: public, they hold no data. Each API
    # operation is in API_ACCESS below.
    "api:openapi-json": get(anonim=200, semua=200),
    "api:openapi-view": get(anonim=200, semua=200),
    "api:api-root": get(anonim=404, semua=404),
    # -- pekerja
    "registry:person_list": get(admin=200, operator=200, verifikator=200),
    "registry:person_create": get(admin=200, operator=200),
    "registry:person_detail": get("person", admin=200, operator=(200, 404), verifikator=200),
    "registry:person_edit": get("person", admin=200, operator=(200, 404)),
    "registry:person_deactivate": post("person", admin=302),
    "registry:person_reactivate": post("person", admin=302),
    "registry:person_verify": post("person", admin=302, verifikator=302),
    "registry:person_reveal_nik": post(
        "person", admin=200, operator=(200, 404), verifikator=200, bpjs=404
    ),
    "registry:person_audit": get("person", admin=200),
    # -- usulan perubahan: the kelurahan asks, the verifikator (and the Dinas admin, who
    # holds every capability) decides. A POST without its fields changes nothing: the
    # request form answers with its error, approval with the confirmation page.
    "registry:person_request_deactivation": post("person", admin=302, operator=(302, 404)),
    "registry:change_request_list": get(admin=200, operator=200, verifikator=200),
    "registry:change_request_detail": get(
        "change_request", admin=200, operator=(200, 404), verifikator=200
    ),
    "registry:change_request_approve": post("change_request", admin=200, verifikator=200),
    "registry:change_request_reject": post("change_request", admin=302, verifikator=302),
    "registry:change_request_withdraw": post("change_request", admin=302, operator=(302, 404)),
    # -- audit
    "audit:event_list": get(admin=200),
    "audit:event_export": get(admin=200),
    # -- duplikat
    "registry:duplicate_list": get(admin=200, verifikator=200),
    "registry:duplicate_search": post(admin=302, verifikator=302),
    "registry:duplicate_background": get(admin=200, verifikator=200),
    # Hands the estimation of the weights to the background worker.
    "registry:duplicate_weights": post(admin=302, verifikator=302),
    # A POST without `konfirmasi` answers the confirmation page and changes nothing.
    "registry:duplicate_merge": post("pair", admin=200, verifikator=200),
    "registry:duplicate_distinct": post("pair", admin=302, verifikator=302),
    # -- job types and the other names people use for them
    "registry:occupation_list": get(admin=200),
    "registry:occupation_aliases": get("occupation", admin=200),
    # -- impor data
    "imports:batch_list": get(admin=200, operator=200),
    "imports:template": get(admin=200, operator=200),
    "imports:desil_lists": get(admin=200),
    "imports:desil_progress": get(admin=200),
    "imports:field_forms": get(admin=200),
    "imports:field_form_deactivate": get("field_form", admin=200),
    # KoboToolbox's REST service: the form's secret is the only key; a session is none.
    "imports:kobo_submission": post(anonim=401, semua=401),
    "imports:batch_detail": get("batch", admin=200, operator=(200, 404)),
    "imports:batch_progress": get("batch", admin=200, operator=(200, 404)),
    "imports:batch_map_columns": post("batch", admin=302, operator=(302, 404)),
    "imports:batch_decide_row": post("batch", admin=302, operator=(302, 404)),
    "imports:batch_commit": post("batch", admin=302, operator=(302, 404)),
    # GET (or a POST without `konfirmasi`) asks for confirmation; the confirmed POST that
    # discards answers as commit does.
    "imports:batch_discard": get("batch", admin=200, operator=(200, 404)),
    "imports:batch_retry": post("batch", admin=302, operator=(302, 404)),
    "imports:batch_error_file": get("batch", admin=200, operator=(200, 404)),
    # -- program dan seleksi
    "programmes:programme_list": get(admin=302),  # the only programme: straight to it
    "programmes:selection_index": get(admin=200, verifikator=200),
    "programmes:programme_detail": get("programme", admin=200),
    "programmes:decisions": get("programme", admin=200),
    "programmes:programme_rules": get("programme", admin=200),
    "programmes:exclusion_import": post("programme", admin=302),
    "programmes:cycle_selection": get("cycle", admin=200, verifikator=200),
    # An allocated cycle: re-allocating asks first (the confirmation page, 200).
    "programmes:cycle_allocate": post("cycle", admin=200),
    "programmes:cycle_approve": post("cycle", admin=302),
    "programmes:explain": get("cycle_person", admin=200, verifikator=200),
    "programmes:explain_letter": get("cycle_person", admin=200, verifikator=200),
    # Without a reason, nothing is decided: back to the explanation with the message.
    "programmes:exclude_person": post("cycle_person", admin=302),
    "programmes:lift_exclusion": post("cycle_person", admin=302),
    "programmes:lampiran_xlsx": get("cycle", admin=200, verifikator=200),
    "programmes:lampiran_pdf": get("cycle", admin=200, verifikator=200),
    # -- kepesertaan, iuran, klaim
    "enrollment:memberships": get(admin=200, bpjs=200),
    "enrollment:create_memberships": post("cycle", admin=302),
    "enrollment:export": post("cycle", admin=302),
    "enrollment:export_progress": get("cycle", admin=200),
    # The branch officer's files: download what the Dinas made, upload replies and bills.
    "enrollment:exchange_files": get(admin=200, bpjs=200),
    "enrollment:import_reply": post(admin=302, bpjs=302),
    "enrollment:exchange_detail": get("exchange", admin=200, bpjs=200),
    "enrollment:exchange_download": get("exchange", admin=200, bpjs=200),
    "enrollment:mapping": get("programme", admin=200),
    "enrollment:membership_detail": get("membership", admin=200, bpjs=200),
    "enrollment:end_membership": post("membership", admin=302),
    "enrollment:approve_replacement": post("membership", admin=302),
    "enrollment:billing": get(admin=200),
    "enrollment:import_bill": post(admin=302, bpjs=302),
    "enrollment:bill_detail": get("bill", admin=200, bpjs=200),
    "enrollment:record_payment": post("cycle", admin=302),
    "enrollment:claims": get(admin=200, bpjs=200),
    "enrollment:claim_detail": get("claim", admin=200, bpjs=200),
    # -- pengaduan: recorded at any desk (an operator, their kelurahan's only), handled and
    # decided by the Dinas. A refused move (nothing to assign, not yet in review) says why
    # on the complaint's page and changes nothing.
    "complaints:complaint_list": get(admin=200, operator=200, verifikator=200),
    "complaints:complaint_create": get(admin=200, operator=200, verifikator=200),
    "complaints:deadlines": get(admin=200),
    "complaints:complaint_detail": get(
        "complaint", admin=200, operator=(200, 404), verifikator=200
    ),
    "complaints:complaint_receipt": get(
        "complaint", admin=200, operator=(200, 404), verifikator=200
    ),
    "complaints:complaint_assign": post("complaint", admin=302, verifikator=302),
    "complaints:complaint_review": post("complaint", admin=302, verifikator=302),
    "complaints:complaint_decide": get("complaint", admin=200, verifikator=200),
    "complaints:complaint_close": post("complaint", admin=302, verifikator=302),
    "complaints:complaint_follow_up": post("complaint", admin=302, verifikator=302),
    # -- laporan: aggregates only, no person; an operator's figures are their kelurahan's
    "reporting:report": get(semua=200),
    "reporting:report_xlsx": get("report_table", semua=200),
    # Off unless RENTAN_PUBLIC_REPORT is set (the test settings leave it off).
    "reporting:public": get(anonim=404, semua=404),
    # -- laporan: figures only, city-wide (no operator: their view is one kelurahan)
    "reporting:mayor_report": get(admin=200, pimpinan=200),
    "reporting:mayor_pdf": get("cycle", admin=200, pimpinan=200),
    "reporting:coverage_map": get(admin=200, pimpinan=200),
    "reporting:upload_boundaries": post(admin=302),
    # Each list as .xlsx: whoever sees the list, in the same scope (an operator's own
    # kelurahan only), NIKs masked as on the page.
    "reporting:export_persons": get(admin=200, operator=200, verifikator=200),
    "reporting:export_memberships": get(admin=200, bpjs=200),
    "reporting:export_bills": get(admin=200),
    "reporting:export_reconciliation": get("bill", admin=200),
    "reporting:export_claims": get(admin=200, bpjs=200),
    "reporting:export_placements": get("cycle", admin=200, verifikator=200),
    "reporting:export_duplicates": get(admin=200, verifikator=200),
}


# Every operation of the HTTP API (/api/v1/) by its operationId, called with a token of each
# role (`accounts/tests/test_access_matrix.py` walks the API's own schema: an operation
# missing here fails). The same scope as the pages: an operator's token sees only their
# kelurahan (404 elsewhere); a POST is sent with a valid body.
API_ACCESS: dict[str, Expect] = {
    "list_areas": api("GET", semua=200),
    "list_persons": api("GET", admin=200, operator=200, verifikator=200),
    "lookup_person": api("POST", "person", admin=200, operator=(200, 404), verifikator=200),
    "get_person": api("GET", "person", admin=200, operator=(200, 404), verifikator=200),
    # The branch officer may see full NIKs but not the registry: the person is not found.
    "reveal_person_nik": api(
        "GET", "person", admin=200, operator=(200, 404), verifikator=200, bpjs=404
    ),
    "person_history": api("GET", "person", admin=200, operator=(200, 404), verifikator=200),
    "list_import_batches": api("GET", admin=200, operator=200),
    "upload_import_batch": api("POST", admin=201, operator=201),
    "get_import_batch": api("GET", "batch", admin=200, operator=(200, 404)),
    "list_import_rows": api("GET", "batch", admin=200, operator=(200, 404)),
    "commit_import_batch": api("POST", "batch", admin=200, operator=(200, 404)),
    "list_programmes": api("GET", admin=200, verifikator=200),
    "list_placements": api("GET", "cycle", admin=200, verifikator=200),
    "explain_placement": api("GET", "cycle_person", admin=200, verifikator=200),
    "list_memberships": api("GET", admin=200, bpjs=200),
    "list_bills": api("GET", admin=200, bpjs=200),
    "get_bill_reconciliation": api("GET", "bill", admin=200, bpjs=200),
    "list_claims": api("GET", admin=200, bpjs=200),
    "list_complaints": api("GET", admin=200, operator=200, verifikator=200),
    # Figures only; an operator's are their own kelurahan's.
    "get_year_figures": api("GET", "cycle", semua=200),
}
