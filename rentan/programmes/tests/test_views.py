import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from rentan.core.models import AuditAction, AuditEvent
from rentan.programmes.models import CycleStatus, ExcludedNik, Placement
from rentan.programmes.tests.conftest import VERIFIED, make_cycle
from rentan.testing.factories import PersonFactory


def test_programme_page_for_admin_only(client, programme, admin_user, verifier_user):
    client.force_login(verifier_user)
    assert client.get("/program/uji/").status_code == 403
    client.force_login(admin_user)
    response = client.get("/program/uji/")
    assert response.status_code == 200
    assert "Perwal 19 B/2022" in response.content.decode()


def test_menu_shows_program_to_admin_and_seleksi_to_verifier(client, admin_user, verifier_user):
    client.force_login(verifier_user)
    menu = [item["label"] for item in client.get("/").context["menu"]]
    assert "Seleksi" in menu
    assert "Program" not in menu
    client.force_login(admin_user)
    menu = [item["label"] for item in client.get("/").context["menu"]]
    assert "Seleksi" in menu
    assert "Program" in menu


def test_decision_history_page_records_a_decision(client, programme, admin_user, operator_user):
    client.force_login(operator_user)
    assert client.get("/program/uji/keputusan/").status_code == 403
    client.force_login(admin_user)
    from rentan.registry.models import Occupation

    response = client.post(
        "/program/uji/keputusan/",
        {
            "occupation": "pembatik",  # what the city calls a buruh batik
            "action": "add",
            "effective_on": "2023-10-01",
            "reference": "Perda 10/2023",
        },
    )
    assert response.status_code == 302
    page = client.get("/program/uji/keputusan/").content.decode()
    assert "Perda 10/2023" in page
    assert "3 jenis" in page
    latest = programme.occupation_decisions.order_by("-pk").first()
    assert latest.occupation == Occupation.objects.get(code="buruh-batik")


def test_a_decision_on_an_unknown_job_is_refused_with_a_suggestion_only_when_likely(
    client, programme, admin_user
):
    client.force_login(admin_user)
    decisions = programme.occupation_decisions.count()
    for typed, said in (
        ("tukang becek", "Mungkin maksudnya \u201ctukang becak\u201d (Pengayuh becak)?"),
        ("tukang parkir", "minta admin Dinas menambahkan"),
    ):
        response = client.post(
            "/program/uji/keputusan/",
            {
                "occupation": typed,
                "action": "add",
                "effective_on": "2023-10-01",
                "reference": "Perda 10/2023",
            },
        )
        assert response.status_code == 200
        assert said in response.context["form"].errors["occupation"][0]
    assert programme.occupation_decisions.count() == decisions


def test_exclusion_file_upload_adds_niks(client, programme, admin_user):
    client.force_login(admin_user)
    upload = io.BytesIO(b"nik\n3375010501850001\n3375010501850002\n")
    upload.name = "pkh.csv"
    client.post(
        "/program/uji/pengecualian/", {"list_kind": "PKH", "file": upload, "source": "PKH 2023"}
    )
    assert ExcludedNik.objects.filter(programme=programme, list_kind="PKH").count() == 2


def test_verifier_reads_selection_but_cannot_allocate(client, programme, verifier_user):
    cycle = make_cycle(programme)
    client.force_login(verifier_user)
    assert client.get("/program/uji/2023/").status_code == 200
    assert client.post("/program/uji/2023/alokasi/").status_code == 403
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DRAFT


def test_operator_cannot_read_selection(client, programme, operator_user):
    make_cycle(programme)
    client.force_login(operator_user)
    assert client.get("/program/uji/2023/").status_code == 403


def test_what_if_shows_people_and_cost_without_saving(client, programme, admin_user):
    for _ in range(3):
        PersonFactory(verified_at=VERIFIED)
    make_cycle(programme, target=1)
    client.force_login(admin_user)
    response = client.get("/program/uji/2023/", {"whatif": "1", "target": "2"})
    preview = response.context["preview"]
    assert preview["result"].selected_count == 2
    assert "Rp 403.200" in response.content.decode()  # 2 x 16.800 x 12
    assert not Placement.objects.exists()


def test_admin_allocates_and_approves_through_the_page(client, programme, admin_user):
    PersonFactory(verified_at=VERIFIED)
    cycle = make_cycle(programme)
    client.force_login(admin_user)
    client.post("/program/uji/2023/alokasi/")
    client.post("/program/uji/2023/tetapkan/", {"decree_reference": "SK 560/7/2023"})
    cycle.refresh_from_db()
    assert (cycle.status, cycle.decree_reference) == (CycleStatus.APPROVED, "SK 560/7/2023")


def test_explain_page_lists_rules_score_and_rank(client, allocated, verifier_user):
    _cycle, (budi, _agus) = allocated
    client.force_login(verifier_user)
    response = client.get(f"/program/uji/2023/pekerja/{budi.pk}/")
    page = response.content.decode()
    assert response.context["x"]["placement"].rank == 1
    assert "Penghasilan di bawah UMK" in page
    assert "Masuk kuota" in page


def test_lampiran_xlsx_orders_by_kecamatan_and_masks_nik_for_roles_without_full_nik(
    client, allocated, leader_user, admin_user
):
    _cycle, (budi, agus) = allocated
    client.force_login(leader_user)
    assert client.get("/program/uji/2023/lampiran.xlsx").status_code == 403
    client.force_login(admin_user)
    response = client.get("/program/uji/2023/lampiran.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(min_row=5, values_only=True)]
    # Pekalongan Barat (Budi) before Pekalongan Selatan (Agus); admin sees full NIKs.
    assert [(r[1], r[2]) for r in rows] == [(budi.nik, "Budi"), (agus.nik, "Agus")]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert sorted(event.changes["ids"]) == sorted([str(budi.pk), str(agus.pk)])


def test_lampiran_masks_nik_for_verifier_without_full_nik(
    client, allocated, verifier_user, monkeypatch
):
    from rentan.accounts import access

    _cycle, (budi, _agus) = allocated
    monkeypatch.setitem(
        access.CAPABILITIES,
        "verifikator",
        access.CAPABILITIES["verifikator"] - {access.Capability.SEE_FULL_NIK},
    )
    client.force_login(verifier_user)
    response = client.get("/program/uji/2023/lampiran.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=5, column=2).value == budi.masked_nik


def test_lampiran_pdf_is_a_pdf(client, allocated, admin_user):
    client.force_login(admin_user)
    response = client.get("/program/uji/2023/lampiran.pdf")
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_allocate_command_dry_run_saves_nothing(programme):
    PersonFactory(verified_at=VERIFIED)
    cycle = make_cycle(programme)
    out = io.StringIO()
    call_command("allocate", "uji", "2023", "--dry-run", stdout=out)
    assert "baru 1" in out.getvalue()
    assert "Rp 201.600" in out.getvalue()
    assert not Placement.objects.exists()
    call_command("allocate", "uji", "2023", stdout=io.StringIO())
    assert Placement.objects.filter(cycle=cycle).count() == 1
    with pytest.raises(CommandError):
        call_command("allocate", "uji", "1999", stdout=io.StringIO())


def test_what_if_reads_a_budget_typed_with_thousands_dots(client, programme, admin_user):
    for _ in range(3):
        PersonFactory(verified_at=VERIFIED)
    make_cycle(programme, target=2000, quota_basis="population")
    client.force_login(admin_user)
    response = client.get(
        "/program/uji/2023/", {"whatif": "1", "budget_ceiling": "300.000.000", "target": "2.000"}
    )
    result = response.context["preview"]["result"]
    # 300.000.000 // (12 x 16.800) people, not the 0 that "Rp 300" would pay for.
    assert result.params.budget_ceiling == 300_000_000
    assert result.params.places_by_budget == 1488
    assert result.selected_count == 3
    page = response.content.decode()
    assert "1.488" in page
    assert "Pagu Rp 300.000.000 hanya cukup untuk 1.488 orang, kurang dari target 2.000." in page
    # The cycle's own quota basis, unless the person chose another.
    assert "Kuota per kelurahan: Sebanding jumlah penduduk kelurahan." in page
    assert 'value="300.000.000"' in page


def test_what_if_refuses_an_ambiguous_budget_and_computes_nothing(client, programme, admin_user):
    make_cycle(programme)
    client.force_login(admin_user)
    response = client.get("/program/uji/2023/", {"whatif": "1", "budget_ceiling": "300.000.0"})
    assert response.context["preview"] is None
    assert "titik hanya memisahkan ribuan" in response.content.decode()


def test_allocation_message_groups_thousands(client, programme, admin_user, monkeypatch):
    from rentan.programmes import services
    from rentan.programmes.allocation import AllocationParams, AllocationResult, Placed

    make_cycle(programme)
    placed = [Placed(i, "new", i, 0, {}, "33.75.01.1002", "x") for i in range(1933)]
    result = AllocationResult(AllocationParams(1933, 0, 12, 16_800), placed)
    monkeypatch.setattr(services, "allocate_cycle", lambda **kwargs: result)
    client.force_login(admin_user)
    response = client.post("/program/uji/2023/alokasi/", follow=True)
    assert "Alokasi selesai: 0 lanjutan, 1.933 baru, 0 cadangan." in response.content.decode()
