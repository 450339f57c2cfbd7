import pytest
from django.core.management import call_command

from rentan.regions.loading import level_of, parent_of, read_areas
from rentan.regions.models import Area, AreaLevel


def test_shipped_list_has_every_kemendagri_area():
    rows = read_areas()
    assert len(rows) == 91_599
    levels = [level_of(code) for code, _ in rows]
    assert levels.count(AreaLevel.PROVINCE) == 38
    assert levels.count(AreaLevel.REGENCY) == 514
    assert levels.count(AreaLevel.DISTRICT) == 7_285
    assert levels.count(AreaLevel.VILLAGE) == 83_762


@pytest.mark.parametrize(
    ("code", "parent"), [("33", None), ("33.75", "33"), ("33.75.01.1002", "33.75.01")]
)
def test_parent_is_the_code_one_level_up(code, parent):
    assert parent_of(code) == parent


@pytest.mark.django_db
def test_pekalongan_tree_has_4_kecamatan_and_27_kelurahan():
    city = Area.objects.get(code="33.75")
    assert city.name == "Kota Pekalongan"
    assert city.population == 318_221
    assert city.parent_id == "33"
    assert Area.objects.districts_of("33.75").count() == 4
    assert Area.objects.villages_of("33.75").count() == 27
    medono = Area.objects.get(code="33.75.01.1002")
    assert (medono.parent.name, medono.parent.parent.name) == (
        "Pekalongan Barat",
        "Kota Pekalongan",
    )
    assert medono.level == AreaLevel.VILLAGE


@pytest.mark.django_db
def test_load_areas_command_is_idempotent(capsys):
    before = Area.objects.count()
    call_command("load_areas", prefix="33.75")
    assert Area.objects.count() == before
    assert "0 baru dimuat" in capsys.readouterr().out
