"""Every URL of the project, for every role, for a record inside and outside the user's area,
against the one table of expected access (`rentan/accounts/access_table.py`).

The world built here holds the records the URLs name, each in Medono (the operator's own
kelurahan) and in Sokoduwet, and leak bait: a Medono family card shared with a Sokoduwet
person, an import of Medono rows that names a Sokoduwet NIK, an import of Sokoduwet rows
whose default kelurahan is Medono. Besides the status codes, no answer to the operator may
hold a Sokoduwet name, NIK or phone, and no answer to pimpinan any person's name.
"""

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rentan.accounts.access_table import ACCESS, API_ACCESS, ROLES, Expect
from rentan.api import services as token_services
from rentan.api.api import api
from rentan.complaints import services as complaint_services
from rentan.complaints.lifecycle import Category, Channel, Reporter
from rentan.core.models import AuditEvent
from rentan.enrollment.models import ClaimKind, Membership
from rentan.enrollment.services import bills as bill_services
from rentan.enrollment.services import claims as claim_services
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.tests.helpers import accepted, bill_file, reply_file
from rentan.imports import services as imports
from rentan.imports.field_form_services import register_field_form
from rentan.imports.models import ImportBatch, RowStatus
from rentan.imports.tests.files import write_xlsx
from rentan.registry.models import (
    ChangeRequest,
    ChangeRequestKind,
    DuplicatePair,
    Household,
    Person,
)
from rentan.registry.nik import Sex, compose_nik
from rentan.testing.documents import workbook_text
from rentan.testing.factories import (
    CycleFactory,
    PersonFactory,
    PlacementFactory,
    ProgrammeFactory,
    RateTableFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

MEDONO = "33.75.01.1002"
SOKODUWET = "33.75.04.1010"
TODAY = date(2023, 1, 5)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ------------------------------------------------------------------------------ the URLconf


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    arguments: tuple[str, ...]


def walk(resolver: URLResolver, namespace: str = "", prefix: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            arguments = tuple(getattr(entry.pattern, "converters", {})) or tuple(
                getattr(entry.pattern.regex, "groupindex", {})
            )
            yield Route(f"{namespace}{entry.name}" if entry.name else route, route, arguments)


def _api_operations() -> list[tuple[str, str, str]]:
    """(operationId, method, path) of every operation of the HTTP API, from its own schema."""
    paths = api.get_openapi_schema()["paths"]
    return [
        (operation["operationId"], method.upper(), path)
        for path, methods in paths.items()
        for method, operation in methods.items()
    ]


def _is_api_operation(route: "Route") -> bool:
    return route.name.startswith("api:") and route.name.removeprefix("api:") in {
        operation_id for operation_id, _method, _path in _api_operations()
    }


def test_every_url_has_an_entry_in_the_access_table():
    # The API's operations have their own table (API_ACCESS), checked below.
    routes = {route.name: route for route in walk(get_resolver()) if not _is_api_operation(route)}
    missing = sorted(set(routes) - set(ACCESS))
    assert not missing, (
        "URL tanpa baris di rentan/accounts/access_table.py (tambahkan satu baris per URL, "
        f'mis. \'"app:nama": get("person", admin=200, operator=(200, 404)),\'): {missing}'
    )
    stale = sorted(set(ACCESS) - set(routes))
    assert not stale, f"Baris tabel akses untuk URL yang tidak ada lagi: {stale}"


def test_every_api_operation_has_an_entry_in_the_access_table():
    operations = {operation_id for operation_id, _method, _path in _api_operations()}
    missing = sorted(operations - set(API_ACCESS))
    assert not missing, (
        f"Operasi API tanpa baris API_ACCESS di rentan/accounts/access_table.py: {missing}"
    )
    assert not sorted(set(API_ACCESS) - operations), "Baris API_ACCESS tanpa operasi API"


# ------------------------------------------------------------------------------ the world


@dataclass
class World:
    users: dict[str, Any]
    records: dict[str, tuple[dict[str, Any], dict[str, Any]]]
    secrets: list[str]  # what the operator must never read: Sokoduwet people
    names: list[str]  # every person's name: pimpinan reads none


def _person(name: str, kelurahan: str, serial: int, **fields: Any) -> Any:
    born = date(1980, 1, serial)
    return PersonFactory(
        name=name,
        kelurahan_id=kelurahan,
        birth_date=born,
        nik=compose_nik(
            district_code=kelurahan[:8], birth_date=born, sex=Sex.MALE, serial=90 + serial
        ),
        **fields,
    )


def _batch(admin: Any, folder: Path, name: str, rows: list[list[object]]) -> ImportBatch:
    header = ["NIK", "No KK", "Nama", "Tgl Lahir", "L/P", "Kelurahan", "Pekerjaan"]
    path = write_xlsx(folder / name, [header, *rows])
    batch = imports.upload_batch(
        actor=admin, path=path, original_name=name, default_kelurahan_code=MEDONO
    )
    return imports.stage_batch(batch_id=batch.pk)


def _row_to_decide(batch: ImportBatch) -> int:
    row = batch.rows.filter(status=RowStatus.DUPLICATE).order_by("row_number").first()
    return (row or batch.rows.order_by("row_number")[0]).row_number


def build_world(folder: Path) -> World:
    users = {
        "admin": make_user("admin"),
        "operator": make_user("operator", kelurahan_code=MEDONO),
        "verifikator": make_user("verifikator"),
        "bpjs": make_user("bpjs"),
        "pimpinan": make_user("pimpinan"),
    }
    admin = users["admin"]
    # A family card that a Dinas put across two kelurahan: the bait of the household list.
    shared_kk = Household.objects.create(kk_number="3375040101230007")
    slamet = _person("Slamet Riyadi", MEDONO, 1, household=shared_kk)
    warsini = _person("Warsini Rahayu", SOKODUWET, 2, household=shared_kk, phone="081299990001")
    pairs = []
    for kelurahan, pair_names, serial in (
        (MEDONO, ("Budi Santoso", "Budi Santosa"), 3),
        (SOKODUWET, ("Sri Wahyuningsih", "Sri Wahyuningsi"), 5),
    ):
        left = _person(pair_names[0], kelurahan, serial)
        right = _person(pair_names[1], kelurahan, serial + 1)
        pairs.append(DuplicatePair.objects.create(left=left, right=right, score=0.95))

    # An import of Medono rows naming a Sokoduwet NIK and the shared card; and an import of
    # Sokoduwet rows whose default kelurahan is Medono.
    inside_batch = _batch(
        admin,
        folder,
        "medono.xlsx",
        [
            [warsini.nik, "", "Tono Prasetyo", "01-02-1980", "L", "Medono", "Buruh batik"],
            [
                "3375014507900001",
                shared_kk.kk_number,
                "Rina Marlina",
                "05-07-1990",
                "P",
                "Medono",
                "Buruh batik",
            ],
        ],
    )
    outside_batch = _batch(
        admin,
        folder,
        "sokoduwet.xlsx",
        [
            [
                "3375044507900002",
                "",
                "Sumiati Handayani",
                "05-07-1990",
                "P",
                "Sokoduwet",
                "Buruh batik",
            ],
            ["3375041207800003", "", "Karno Widodo", "12-07-1980", "L", "Sokoduwet", "Buruh batik"],
        ],
    )
    assert inside_batch.rows_kelurahan_id == MEDONO
    assert outside_batch.rows_kelurahan_id is None

    # A programme year running with both people enrolled, billed and one claim each.
    RateTableFactory()
    programme: Any = ProgrammeFactory()
    cycle: Any = CycleFactory(programme=programme)
    for rank, person in enumerate((slamet, warsini), start=1):
        PlacementFactory(cycle=cycle, person=person, rank=rank, kind="new")
    membership_services.create_memberships(actor=admin, cycle=cycle, today=TODAY)
    exchange = file_services.export_registration(actor=admin, cycle=cycle, today=TODAY)
    file_services.import_bpjs_reply(
        actor=admin,
        content=reply_file(
            accepted(slamet.nik, "23000000001"), accepted(warsini.nik, "23000000002")
        ),
        filename="balasan.xlsx",
        today=TODAY,
    )
    bill = bill_services.import_bpjs_bill(
        actor=admin,
        cycle=cycle,
        month=date(2023, 1, 1),
        content=bill_file({slamet.nik: 16_800, warsini.nik: 16_800}, month=date(2023, 1, 1)),
        filename="tagihan.xlsx",
    )
    memberships = {m.person_id: m for m in Membership.objects.filter(cycle=cycle)}
    claims = [
        claim_services.record_claim(
            actor=admin,
            membership=memberships[person.pk],
            kind=ClaimKind.JKK_MEDICAL,
            event_on=date(2023, 1, 3),
        )
        for person in (slamet, warsini)
    ]

    complaints = [
        complaint_services.record_complaint(
            actor=admin,
            new=complaint_services.NewComplaint(
                channel=Channel.DESK,
                category=Category.NOT_SELECTED,
                reporter=Reporter.PERSON,
                text="Tidak terpilih padahal memenuhi syarat.",
                received_on=TODAY,
                person=person,
                cycle=cycle,
            ),
        )
        for person in (slamet, warsini)
    ]

    # A pending change request on each side, asked by the operator of each kelurahan.
    change_requests = [
        ChangeRequest.objects.create(
            person=person,
            kind=ChangeRequestKind.EDIT,
            before={"monthly_income": None},
            proposed={"monthly_income": 1_200_000},
            requested_by=users["operator"] if person is slamet else admin,
        )
        for person in (slamet, warsini)
    ]

    field_form = register_field_form(
        actor=admin, name="Pendataan Medono", xform_id="aMedono2023", kelurahan_code=MEDONO
    ).field_form

    def same(kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        return kwargs, kwargs

    operator_token = token_services.create_api_token(
        actor=users["operator"], user=users["operator"], name="tablet", days=30
    ).token

    cycle_kwargs = {"code": programme.code, "year": cycle.year, "cycle_id": cycle.pk}
    records = {
        "person": ({"pk": slamet.pk}, {"pk": warsini.pk}),
        "pair": ({"pk": pairs[0].pk}, {"pk": pairs[1].pk}),
        "batch": (
            {"pk": inside_batch.pk, "row": _row_to_decide(inside_batch)},
            {"pk": outside_batch.pk, "row": _row_to_decide(outside_batch)},
        ),
        "programme": same({"code": programme.code, "programme_id": programme.pk}),
        "cycle": same({**cycle_kwargs, "month": "2023-01"}),
        "cycle_person": (
            {**cycle_kwargs, "person_pk": slamet.pk},
            {**cycle_kwargs, "person_pk": warsini.pk},
        ),
        "exchange": same({"pk": exchange.pk}),
        "membership": (
            {"pk": memberships[slamet.pk].pk},
            {"pk": memberships[warsini.pk].pk},
        ),
        "bill": same({"pk": bill.pk}),
        "claim": ({"pk": claims[0].pk}, {"pk": claims[1].pk}),
        "report_table": same({"table": "wilayah"}),
        "occupation": same({"code": "pengayuh-becak"}),
        "complaint": ({"pk": complaints[0].pk}, {"pk": complaints[1].pk}),
        "change_request": ({"pk": change_requests[0].pk}, {"pk": change_requests[1].pk}),
        "api_token": same({"pk": operator_token.pk}),
        "field_form": same({"pk": field_form.pk}),
    }
    sokoduwet = Person.objects.filter(kelurahan_id=SOKODUWET)
    # The Medono import holds Warsini's NIK as its own row's: that much the operator may
    # read there (it is what the file says), and learn that it is registered elsewhere.
    own_cells = {str(cell) for row in inside_batch.rows.all() for cell in row.cells}
    secrets = [
        secret
        for secret in (
            *sokoduwet.values_list("name", flat=True),
            *sokoduwet.values_list("nik", flat=True),
            warsini.phone,
            "Sumiati Handayani",
            "Karno Widodo",
        )
        if secret not in own_cells
    ]
    names = list(Person.objects.values_list("name", flat=True))
    return World(users, records, secrets, names)


# ------------------------------------------------------------------------------ the walk


def _text_of(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith(XLSX):
        return workbook_text(content)
    return content.decode("utf-8", errors="replace")


def _state() -> tuple[object, ...]:
    """What a refused request must leave as it was: every table's size, every audit event,
    and the fields the POST views change in place."""
    counts = tuple(
        model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("rentan.") and model._meta.app_label != "regions"
    )
    batches = tuple(ImportBatch.objects.order_by("pk").values_list("status", "column_map"))
    return (
        counts,
        AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first(),
        batches,
        Person.objects.filter(is_active=True).count(),
        Person.objects.filter(verified_at__isnull=False).count(),
        tuple(DuplicatePair.objects.order_by("pk").values_list("status", flat=True)),
        tuple(Membership.objects.order_by("pk").values_list("status", flat=True)),
    )


@dataclass
class Answer:
    status: int
    location: str
    text: str
    changed: bool  # the request changed the database (seen before it was rolled back)


def _call(client: Client, method: str, url: str, initial: tuple[object, ...]) -> Answer:
    # Each request runs in a savepoint rolled back afterwards, so what one allowed POST
    # does (a commit, a merge, a logout) leaves the next request the same world, and the
    # client its session.
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.post(url) if method == "POST" else client.get(url)
        answer = Answer(
            status=response.status_code,
            location=str(response.get("Location", "")),
            text=_text_of(response),
            changed=method == "POST" and _state() != initial,
        )
        transaction.set_rollback(True)
    client.cookies = cookies
    return answer


def _judge(expect: Expect, role: str, *, inside: bool, answer: Answer) -> tuple[str, str]:
    """(a difference from the table, a leak), each "" when there is none. A leak is an
    answer that gives more than the table allows, or a refusal that changed something."""
    wanted = expect.outcome(role, inside=inside)
    to_login = answer.status == 302 and answer.location.startswith(reverse(settings.LOGIN_URL))
    login_wanted = role == "anonim" and not expect.is_public and wanted == 302
    refused = answer.status in (403, 404, 405) or (login_wanted and to_login)
    difference = "" if answer.status == wanted else f"{answer.status}, tabel: {wanted}"
    if refused and answer.changed:
        return difference, f"ditolak ({answer.status}) tetapi data berubah"
    if (wanted in (403, 404, 405) or login_wanted) and not refused:
        return difference, f"{answer.status} ke {answer.location!r}, seharusnya ditolak ({wanted})"
    return difference, ""


def test_every_url_answers_every_role_as_the_access_table_says(
    tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world(tmp_path)
    routes = [route for route in walk(get_resolver()) if not _is_api_operation(route)]
    failures: list[str] = []
    leaks: list[str] = []
    checked = checked_405 = 0
    clients: dict[str, Client] = {}
    for role in ROLES:
        clients[role] = Client()
        if role != "anonim":
            clients[role].force_login(world.users[role])
    # Every request is rolled back, so each one starts from this state (the sign-ins above,
    # each on record, included).
    initial = _state()

    for route in routes:
        expect: Expect | None = ACCESS.get(route.name)
        if expect is None:
            failures.append(f"{route.name}: tidak ada di tabel akses")
            continue
        variants: list[tuple[bool, dict[str, Any]]] = [(True, {})]
        if expect.record is not None:
            inside, outside = world.records[expect.record]
            variants = [(True, inside)] if inside == outside else [(True, inside), (False, outside)]
        for is_inside, record in variants:
            missing = [name for name in route.arguments if name not in record]
            if missing:
                failures.append(
                    f"{route.name}: catatan {expect.record!r} tidak memberi {missing}; "
                    "sebutkan jenis catatan yang tepat di tabel akses"
                )
                continue
            url = reverse(route.name, kwargs={name: record[name] for name in route.arguments})
            side = "" if expect.record is None else (" di dalam" if is_inside else " di luar")
            for role in ROLES:
                answer = _call(clients[role], expect.method, url, initial)
                checked += 1
                where = f"{expect.method} {url} ({route.name}) sebagai {role}{side}"
                difference, leak = _judge(expect, role, inside=is_inside, answer=answer)
                if difference:
                    failures.append(f"{where}: {difference}")
                if leak:
                    leaks.append(f"{where}: {leak}")
                hidden = {"operator": world.secrets, "pimpinan": world.names}.get(role, [])
                seen = [secret for secret in hidden if secret in answer.text]
                if seen:
                    leaks.append(f"{where}: terbaca {seen}")
            if expect.method == "POST":
                for role in ROLES:
                    status = clients[role].get(url).status_code
                    checked_405 += 1
                    if status != 405:
                        failures.append(
                            f"GET {url} ({route.name}) sebagai {role}: {status}, "
                            "harus 405 (hanya POST)"
                        )

    print(
        f"\nMatriks akses: {len(routes)} pola URL x {len(ROLES)} peran x catatan di dalam/luar "
        f"= {checked} permintaan, dan {checked_405} GET ke URL khusus POST; "
        f"{len(leaks)} kebocoran"
    )
    assert not leaks, "Kebocoran:\n" + "\n".join(leaks)
    assert not failures, "Berbeda dari tabel akses:\n" + "\n".join(failures)


# ------------------------------------------------------------------------------ the API


def _api_arguments(kind: str | None, record: dict[str, Any]) -> dict[str, Any]:
    """The path parameters of an operation on a record of the world, by kind."""
    if kind == "person":
        return {"person_id": record["pk"]}
    if kind == "batch":
        return {"batch_id": record["pk"]}
    if kind == "cycle":
        return {"cycle_id": record["cycle_id"]}
    if kind == "cycle_person":
        return {"cycle_id": record["cycle_id"], "person_id": record["person_pk"]}
    if kind == "bill":
        return {"bill_id": record["pk"]}
    return {}


def _api_body(operation_id: str, arguments: dict[str, Any], folder: Path) -> dict[str, Any]:
    """A valid body for the operations that take one, so an answer is about access."""
    if operation_id == "lookup_person":
        return {
            "data": {"nik": Person.objects.get(pk=arguments["person_id"]).nik},
            "content_type": "application/json",
        }
    if operation_id == "upload_import_batch":
        path = write_xlsx(
            folder / "api.xlsx",
            [
                ["NIK", "Nama", "Tgl Lahir", "L/P", "Kelurahan", "Pekerjaan"],
                ["3375015807950004", "Dewi Lestari", "18-07-1995", "P", "Medono", "Buruh batik"],
            ],
        )
        return {"data": {"file": path.open("rb")}}
    return {}


def test_every_api_operation_answers_every_role_as_the_access_table_says(
    tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world(tmp_path)
    clients = {"anonim": Client()}
    for role in ROLES[1:]:
        text = token_services.create_api_token(
            actor=world.users[role], user=world.users[role], name="matriks", days=1
        ).text
        clients[role] = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    initial = _state()
    failures: list[str] = []
    leaks: list[str] = []
    checked = 0
    for operation_id, method, path in _api_operations():
        expect = API_ACCESS.get(operation_id)
        if expect is None:
            failures.append(f"{operation_id}: tidak ada di API_ACCESS")
            continue
        if expect.method != method:
            failures.append(f"{operation_id}: metode {method}, tabel: {expect.method}")
            continue
        variants: list[tuple[bool, dict[str, Any]]] = [(True, {})]
        if expect.record is not None:
            inside, outside = world.records[expect.record]
            variants = [(True, inside)] if inside == outside else [(True, inside), (False, outside)]
        for is_inside, record in variants:
            arguments = _api_arguments(expect.record, record)
            url = path.format(**arguments)
            side = "" if expect.record is None else (" di dalam" if is_inside else " di luar")
            for role in ROLES:
                with transaction.atomic():
                    body = _api_body(operation_id, arguments, tmp_path)
                    call = clients[role].post if method == "POST" else clients[role].get
                    response = call(url, **body)
                    answer = Answer(
                        status=response.status_code,
                        location="",
                        text=response.content.decode("utf-8", errors="replace"),
                        changed=method == "POST" and _state() != initial,
                    )
                    transaction.set_rollback(True)
                checked += 1
                where = f"{method} {url} ({operation_id}) sebagai {role}{side}"
                wanted = expect.outcome(role, inside=is_inside)
                if answer.status != wanted:
                    failures.append(f"{where}: {answer.status}, tabel: {wanted}")
                if answer.status >= 400 and answer.changed:
                    leaks.append(f"{where}: ditolak ({answer.status}) tetapi data berubah")
                if answer.status >= 400 and not answer.text.startswith('{"code": '):
                    failures.append(f"{where}: galat bukan JSON {{code, message}}")
                hidden = {"operator": world.secrets, "pimpinan": world.names}.get(role, [])
                seen = [secret for secret in hidden if secret in answer.text]
                if seen:
                    leaks.append(f"{where}: terbaca {seen}")
    print(f"\nMatriks akses API: {checked} permintaan; {len(leaks)} kebocoran")
    assert not leaks, "Kebocoran:\n" + "\n".join(leaks)
    assert not failures, "Berbeda dari tabel akses API:\n" + "\n".join(failures)
