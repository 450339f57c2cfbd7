"""The programme's rules and weights: in words on the page, changed through a form by the
admin, validated, dated and audited."""

from datetime import date
from typing import Any

import pytest

from rentan.core.models import AuditAction, AuditEvent
from rentan.programmes import services
from rentan.programmes.eligibility import RuleCode, RulesInvalid, describe_rules, parse_rules
from rentan.programmes.models import Programme
from rentan.programmes.scoring import WeightsInvalid, describe_weights, parse_weights
from rentan.programmes.tests.conftest import RULES, WEIGHTS

TODAY = date(2026, 12, 2)


def _change(programme: Programme, user, **overrides):
    values: dict[str, Any] = {
        "eligibility_rules": RULES,
        "score_weights": {**WEIGHTS, "woman_head": 20},
        "effective_on": date(2026, 12, 1),
        "reference": "Notulen Tim Koordinasi 12/2026",
        "today": TODAY,
    }
    return services.change_programme_rules(actor=user, programme=programme, **(values | overrides))


def test_every_rule_and_weight_is_said_in_indonesian_with_its_parameters():
    rules = describe_rules(parse_rules({"age": {"min": 18, "max": 60}, "verified": {}}))
    assert [line.code for line in rules] == list(RuleCode)
    age = next(line for line in rules if line.code == RuleCode.AGE)
    assert age.is_applied
    assert age.explanation == "Usia pada awal masa perlindungan antara 18 dan 60 tahun."
    assert not next(line for line in rules if line.code == RuleCode.REGION).is_applied
    weights = describe_weights(parse_weights({"dependents": 5, "dependents_cap": 3}))
    dependents = next(line for line in weights if line.factor == "dependents")
    assert (dependents.label, dependents.points) == ("Jumlah tanggungan", 5)
    assert "paling banyak 3 tanggungan" in dependents.explanation


def test_a_change_is_saved_dated_and_audited_before_and_after(programme, admin_user):
    _change(programme, admin_user)
    programme.refresh_from_db()
    assert programme.score_weights["woman_head"] == 20
    assert programme.rules_effective_on == date(2026, 12, 1)
    assert programme.rules_changed_by == admin_user
    assert programme.rules_changed_at is not None
    event = AuditEvent.objects.get(action=AuditAction.PROGRAMME_RULES_CHANGED)
    assert event.target_id == str(programme.pk)
    assert event.changes["before"] == {
        "aturan_kelayakan": RULES,
        "bobot_skor": WEIGHTS,
        "berlaku_sejak": None,
        "dasar": "",
    }
    assert event.changes["after"]["bobot_skor"]["woman_head"] == 20
    assert event.changes["after"]["berlaku_sejak"] == "2026-12-01"
    assert event.changes["after"]["dasar"] == "Notulen Tim Koordinasi 12/2026"


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"eligibility_rules": {"age": {"min": 70, "max": 60}}}, "lebih besar"),
        ({"eligibility_rules": {"umur": {}}}, "tidak dikenal"),
        ({"score_weights": {"low_income": -1}}, "tidak boleh negatif"),
        ({"score_weights": {"low_income": 5000}}, "paling besar"),
        ({"score_weights": {"dependents_cap": 50}}, "Batas tanggungan"),
        ({"effective_on": date(2027, 1, 1)}, "belum tiba"),
        ({"reference": "  "}, "dasar perubahan"),
        ({"score_weights": WEIGHTS}, "tidak ada yang diubah"),
    ],
)
def test_a_change_that_cannot_hold_is_refused_and_nothing_is_saved(
    programme, admin_user, overrides, says
):
    with pytest.raises(services.RulesRefused) as refused:
        _change(programme, admin_user, **overrides)
    assert says in str(refused.value)
    programme.refresh_from_db()
    assert (programme.eligibility_rules, programme.score_weights) == (RULES, WEIGHTS)
    assert not AuditEvent.objects.filter(action=AuditAction.PROGRAMME_RULES_CHANGED).exists()


def _post(**changes):
    data = {f"rule_{code}": "on" for code in RULES} | {
        "age_min": "18",
        "age_max": "65",
        "schemes": ["PKH", "BPNT"],
        "w_low_income": "30",
        "w_dependents": "5",
        "w_disability": "20",
        "w_elderly": "10",
        "w_woman_head": "15",
        "w_job_risk": "5",
        "w_no_other_protection": "10",
        "dependents_cap": "4",
        "w_low_desil": "0",
        "desil_max": "5",
        "desil_threshold": "6",
        "risk_kuli-bangunan": "3",
        "risk_pengayuh-becak": "0",
        "effective_on": "2023-01-02",
        "reference": "Notulen 1/2023",
    }
    return data | changes


def test_the_page_shows_rules_in_words_not_data(client, programme, admin_user):
    client.force_login(admin_user)
    page = client.get("/program/uji/").content.decode()
    assert "Perempuan kepala keluarga" in page
    assert "Satu peserta per KK" in page
    # No rule data as JSON with its English keys.
    assert '"woman_head"' not in page
    assert '"one_per_household"' not in page


def test_admin_changes_a_weight_through_the_form(client, programme, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/program/uji/aturan/", _post(w_woman_head="17,5", **{"rule_one_per_household": ""})
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.score_weights["woman_head"] == "17.5"
    assert programme.score_weights["job_risk_levels"] == {"kuli-bangunan": 3}
    assert "one_per_household" not in programme.eligibility_rules
    assert programme.eligibility_rules["age"] == {"min": 18, "max": 65}
    page = client.get("/program/uji/").content.decode()
    assert "17,5" in page
    assert "Berlaku sejak 2 Januari 2023 (Notulen 1/2023)" in page


def test_the_form_refuses_an_ambiguous_weight_and_saves_nothing(client, programme, admin_user):
    client.force_login(admin_user)
    response = client.post("/program/uji/aturan/", _post(w_woman_head="1,500"))
    assert response.status_code == 200
    assert "bisa dibaca 1.500 atau 1,5" in response.content.decode()
    programme.refresh_from_db()
    assert programme.score_weights == WEIGHTS


def test_a_refusal_of_the_service_is_shown_on_the_form(client, programme, admin_user):
    client.force_login(admin_user)
    response = client.post("/program/uji/aturan/", _post(effective_on="2999-01-01"))
    assert response.status_code == 200
    assert "belum tiba" in response.content.decode()


def test_only_the_admin_may_change_the_rules(client, programme, verifier_user, operator_user):
    for user in (verifier_user, operator_user):
        client.force_login(user)
        assert client.get("/program/uji/aturan/").status_code == 403
        assert client.post("/program/uji/aturan/", _post(w_woman_head="50")).status_code == 403
    programme.refresh_from_db()
    assert programme.score_weights == WEIGHTS


def test_admin_sets_the_desil_rule_and_factor_through_the_form(client, programme, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/program/uji/aturan/",
        _post(
            rule_desil="on",
            desil_max="4",
            desil_unknown_allowed="on",
            w_low_desil="2,5",
            desil_threshold="5",
        ),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.eligibility_rules["desil"] == {"max": 4, "unknown_allowed": True}
    assert (programme.score_weights["low_desil"], programme.score_weights["desil_threshold"]) == (
        "2.5",
        5,
    )
    page = client.get("/program/uji/").content.decode()
    assert "Desil DTSEN terbaru pada batas verifikasi periode paling tinggi 4" in page
    assert "belum diketahui tetap boleh ikut" in page
    assert "di bawah desil 5" in page
    form = client.get("/program/uji/aturan/").content.decode()
    assert 'name="desil_max" value="4"' in form


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"desil": {"max": 0}}, "1 sampai 10"),
        ({"desil": {"max": "lima"}}, "1 sampai 10"),
        ({"desil": {"max": 5, "unknown_allowed": "ya"}}, "true atau false"),
    ],
)
def test_a_desil_rule_that_cannot_hold_is_refused(data, says):
    with pytest.raises(RulesInvalid) as refused:
        parse_rules(data)
    assert says in str(refused.value)


def test_a_desil_threshold_out_of_range_is_refused():
    with pytest.raises(WeightsInvalid) as refused:
        parse_weights({"low_desil": 5, "desil_threshold": 1})
    assert "Desil batas poin" in str(refused.value)
