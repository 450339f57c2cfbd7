"""A region's kelurahan are found from its code, without reading the country's areas."""

import pytest
from django.db import connection

from rentan.regions.models import Area, AreaLevel

pytestmark = pytest.mark.django_db


def test_villages_of_a_region_are_those_whose_code_starts_with_its_code():
    villages = list(Area.objects.villages_of("33.75"))
    assert villages
    assert all(v.code.startswith("33.75.") and v.level == AreaLevel.VILLAGE for v in villages)
    assert (
        len(villages)
        == Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith="33.75.").count()
    )
    # A region whose code merely begins the same way is another region.
    assert not Area.objects.villages_of("33.7").exists()
    districts = list(Area.objects.districts_of("33.75"))
    assert districts
    assert all(d.level == AreaLevel.DISTRICT for d in districts)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_sqlite_finds_a_regions_villages_through_the_code_index():
    sql, params = Area.objects.villages_of("33.75").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    # The primary key's index over a range of codes, not the level index over the country.
    assert "code>? AND code<?" in plan, plan
