"""The BPJS branch officer's workspace, the searches of the roster and the claims, and the
billing page's warnings and labels: what each page lets each role do and shows."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.enrollment.models import Claim, ClaimKind, ExchangeFile, ExchangeKind, Membership
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.tests.helpers import (
    accepted,
    bill_file,
    fixed_cycle,
    rejected,
    reply_file,
)
from rentan.testing.documents import workbook_text
from rentan.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
TODAY = date(2023, 1, 5)
CYCLE_LABEL = "Jaminan Sosial Pekerja Rentan Kota Pekalongan 2023"


def _login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def _sent(admin_user):
    """A cycle whose three people are in a registration file the Dinas made."""
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    exchange = file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY)
    members = list(Membership.objects.order_by("person__nik").select_related("person"))
    return cycle, exchange, members


def _answered(admin_user):
    """Two of the three made members by the branch, the third still waiting."""
    cycle, _exchange, members = _sent(admin_user)
    file_services.import_bpjs_reply(
        actor=admin_user,
        content=reply_file(
            accepted(members[0].person.nik, "23000000001"),
            accepted(members[1].person.nik, "23000000002"),
        ),
        filename="r.xlsx",
        today=TODAY,
    )
    return cycle, members


def _upload(name, content):
    return SimpleUploadedFile(name, content)


def test_the_officer_finds_the_files_in_the_menu_and_downloads_the_registration_file(
    client, admin_user, bpjs_user
):
    _cycle, exchange, members = _sent(admin_user)
    page = _login(client, bpjs_user).get(reverse("home")).content.decode()
    files_url = reverse("enrollment:exchange_files")
    assert f'href="{files_url}"' in page
    assert "Berkas BPJS" in page

    listing = client.get(files_url).content.decode()
    download_url = reverse("enrollment:exchange_download", args=[exchange.pk])
    assert download_url in listing
    assert CYCLE_LABEL in listing  # the period picker, by the programme's name

    response = client.get(download_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = workbook_text(bytes(response.content))
    for member in members:
        assert member.person.name.upper() in text
        assert member.person.nik in text  # the branch registers by the full NIK
    export = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=bpjs_user).get()
    assert exchange.filename in export.note


def test_the_officer_uploads_a_reply_and_reads_each_row_in_indonesian(
    client, admin_user, bpjs_user
):
    cycle, exchange, members = _sent(admin_user)
    _login(client, bpjs_user)
    sent = client.get(reverse("enrollment:exchange_detail", args=[exchange.pk])).content.decode()
    assert "Didaftarkan" in sent
    assert ">sent<" not in sent
    assert CYCLE_LABEL in sent
    assert "jamsos-pekalongan 2023" not in sent

    stranger = "3375014101900077"  # a NIK the file was never sent with: a problem row
    content = reply_file(
        accepted(members[0].person.nik, "23000000001"),
        rejected(members[1].person.nik, "NIK tidak padan dengan Dukcapil"),
        accepted(stranger, "23000000009"),
    )
    response = client.post(
        reverse("enrollment:import_reply"),
        {"periode": cycle.pk, "asal": "berkas", "file": _upload("balasan.xlsx", content)},
        follow=True,
    )
    page = response.content.decode()
    assert response.resolver_match.url_name == "exchange_detail"
    results = page[page.index('data-testid="row-results"') :]
    assert "Aktif" in results
    assert "Ditolak" in results
    assert "NIK tidak padan dengan Dukcapil" in results
    for code in ("accepted", "rejected", "sent"):
        assert f">{code}<" not in results
    assert members[0].person.masked_nik in results
    assert "Bermasalah, tidak diproses" in results
    assert ">problem<" not in results
    for nik in (members[0].person.nik, stranger):
        assert nik not in page
    reply = ExchangeFile.objects.get(kind=ExchangeKind.REPLY)
    assert reply.created_by == bpjs_user


def test_a_refused_upload_takes_the_officer_back_to_the_files_page(client, admin_user, bpjs_user):
    cycle, _exchange, _members = _sent(admin_user)
    response = _login(client, bpjs_user).post(
        reverse("enrollment:import_reply"),
        {"periode": cycle.pk, "file": _upload("x.xlsx", bill_file({}, month=date(2023, 1, 1)))},
        follow=True,
    )
    assert response.resolver_match.url_name == "exchange_files"
    assert "bukan balasan pendaftaran" in response.content.decode()


def test_the_officer_uploads_a_bill_and_sees_its_reconciliation(client, admin_user, bpjs_user):
    cycle, members = _answered(admin_user)
    lines = {members[0].person.nik: 16_800, members[1].person.nik: 16_800}
    response = _login(client, bpjs_user).post(
        reverse("enrollment:import_bill"),
        {
            "periode": cycle.pk,
            "asal": "berkas",
            "month": "2023-01",
            "file": _upload("t.xlsx", bill_file(lines, month=date(2023, 1, 1))),
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.resolver_match.url_name == "bill_detail"
    assert "Tagihan sesuai" in page
    assert reverse("enrollment:exchange_files") in page  # the way back is a page they may open
    assert reverse("enrollment:billing") not in page.split("<main>")[1]
    # Paying and the budget stay with the Dinas.
    assert client.get(reverse("enrollment:billing")).status_code == 403


def test_the_officer_records_a_claim_for_a_member_found_by_name(client, admin_user, bpjs_user):
    _cycle, members = _answered(admin_user)
    _login(client, bpjs_user)
    found = client.get(reverse("enrollment:claims"), {"anggota": "slamet"}).content.decode()
    assert "Slamet Riyadi" in found
    assert f"?peserta={members[0].pk}" in found
    assert "Bambang" not in found

    picked = client.get(reverse("enrollment:claims"), {"peserta": members[0].pk})
    assert 'data-testid="chosen-member"' in picked.content.decode()
    response = client.post(
        reverse("enrollment:claims"),
        {"membership": members[0].pk, "kind": ClaimKind.JKK_MEDICAL, "event_on": "2023-02-03"},
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert claim.membership == members[0]
    assert claim.was_active_on_event
    event = AuditEvent.objects.get(action=AuditAction.CLAIM_RECORDED)
    assert event.actor == bpjs_user

    update = client.post(
        reverse("enrollment:claim_detail", args=[claim.pk]),
        {"status": "paid", "benefit_paid": "3250000"},
    )
    assert update.status_code == 302
    claim.refresh_from_db()
    assert claim.benefit_paid == 3_250_000


def test_a_member_the_officer_may_not_see_can_be_neither_found_nor_picked(
    client, admin_user, bpjs_user
):
    _cycle, members = _answered(admin_user)
    waiting = members[2]  # sent, not yet made a member by the branch
    _login(client, bpjs_user)
    found = client.get(reverse("enrollment:claims"), {"anggota": waiting.person.name})
    results = found.content.decode().split('data-testid="member-results"')[1]
    assert "Tidak ada peserta ber-KPJ yang cocok" in results
    assert f"?peserta={waiting.pk}" not in results
    response = client.post(
        reverse("enrollment:claims"),
        {"membership": waiting.pk, "kind": ClaimKind.JKK_MEDICAL, "event_on": "2023-02-03"},
    )
    assert response.status_code == 200
    assert "Peserta ini tidak dapat dipilih" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_claim_found_by_kpj_number_and_the_claims_searched_by_name_or_nik(
    client, admin_user, bpjs_user
):
    _cycle, members = _answered(admin_user)
    _login(client, admin_user)
    for member, when in ((members[0], "2023-02-03"), (members[1], "2023-03-04")):
        client.post(
            reverse("enrollment:claims"),
            {"membership": member.pk, "kind": ClaimKind.JKK_MEDICAL, "event_on": when},
        )
    assert Claim.objects.count() == 2
    _login(client, bpjs_user)
    by_kpj = client.get(reverse("enrollment:claims"), {"anggota": "23000000002"})
    assert f"?peserta={members[1].pk}" in by_kpj.content.decode()

    def listed(text):
        page = client.get(reverse("enrollment:claims"), {"q": text}).content.decode()
        table = page[page.index('data-testid="claims"') :]
        return [m.person.name for m in members[:2] if m.person.name in table]

    first, second = members[0].person, members[1].person
    assert listed("SITI") == [n for n in (first.name, second.name) if "Siti" in n]
    assert listed(first.nik) == [first.name]
    assert listed(first.nik[:10]) == [
        m.person.name for m in members[:2] if m.person.nik.startswith(first.nik[:10])
    ]
    assert listed(first.nik[6:12]) == []  # the middle of a NIK finds no one
    export = client.get(reverse("reporting:export_claims"), {"q": first.nik})
    text = workbook_text(bytes(export.content))
    assert first.name in text
    assert second.name not in text


def test_pimpinan_may_not_record_a_claim_and_is_told_so_in_indonesian(client, leader_user):
    response = _login(client, leader_user).post(reverse("enrollment:claims"), {})
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_the_roster_is_searched_by_name_or_nik_and_its_download_follows(client, admin_user):
    cycle, _exchange, members = _sent(admin_user)
    _login(client, admin_user)
    url = reverse("enrollment:memberships")

    def shown(text):
        page = client.get(url, {"periode": cycle.pk, "q": text}).content.decode()
        table = page[page.index('data-testid="membership-table"') :]
        return sorted(m.person.name for m in members if m.person.name in table)

    everyone = sorted(m.person.name for m in members)
    assert shown("") == everyone
    assert shown("aminah") == ["Siti Aminah"]
    assert shown("slamet RIYADI") == ["Slamet Riyadi"]
    target = members[2].person
    assert shown(target.nik) == [target.name]
    assert shown(target.nik[:12]) == sorted(
        m.person.name for m in members if m.person.nik.startswith(target.nik[:12])
    )
    assert shown(target.nik[4:14]) == []
    page = client.get(url, {"periode": cycle.pk, "q": "aminah"}).content.decode()
    assert "q=aminah" in page  # the download and the next pages keep the search
    export = client.get(
        reverse("reporting:export_memberships"), {"periode": cycle.pk, "q": "aminah"}
    )
    text = workbook_text(bytes(export.content))
    assert "Siti Aminah" in text
    assert "Slamet Riyadi" not in text


def test_a_year_without_members_warns_of_nothing_and_says_why(client, admin_user):
    cycle = fixed_cycle()  # approved, nobody made a member yet
    page = (
        _login(client, admin_user)
        .get(reverse("enrollment:billing"), {"periode": cycle.pk})
        .content.decode()
    )
    assert 'data-testid="warnings"' not in page
    assert 'data-testid="no-members"' in page
    assert "belum dibayar" not in page
    assert CYCLE_LABEL in page


def test_the_billing_summary_labels_each_figure_apart_from_its_amount(client, admin_user):
    cycle, _members = _answered(admin_user)
    page = (
        _login(client, admin_user)
        .get(reverse("enrollment:billing"), {"periode": cycle.pk})
        .content.decode()
    )
    summary = page[page.index('data-testid="billing-summary"') :].split("</div>\n</div>")[0]
    # The big figure holds only the amount; its label is ordinary text above it.
    assert '<div class="stat">Rp ' in summary
    assert '<div class="muted">Pagu anggaran</div>' in summary


def test_a_lapse_is_said_once_with_its_latest_count_while_each_unpaid_month_is_listed(
    client, admin_user
):
    cycle, _members = _answered(admin_user)  # two members from January 2023, nothing paid
    page = (
        _login(client, admin_user)
        .get(reverse("enrollment:billing"), {"periode": cycle.pk})
        .content.decode()
    )
    warnings = page[page.index('data-testid="warnings"') :].split("</ul>")[0]
    assert warnings.count("belum dibayar") == 12  # today is long after December 2023
    assert warnings.count("sudah menunggak 3 bulan") == 1
    assert "akan menunggak" not in warnings  # they have lapsed: the warning before is past


def test_a_death_recorded_leads_to_the_jkm_claim_with_the_member_already_picked(client, admin_user):
    _cycle, members = _answered(admin_user)
    response = _login(client, admin_user).post(
        reverse("enrollment:end_membership", args=[members[0].pk]),
        {"reason": "died", "on": "2023-03-01", "konfirmasi": "ya"},
        follow=True,
    )
    page = response.content.decode()
    assert response.resolver_match.url_name == "claims"
    chosen = page.split('data-testid="chosen-member"')[1].split("</p>")[0]
    assert members[0].person.name in chosen
    assert '<option value="jkm_death" selected>' in page
