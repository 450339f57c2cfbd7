"""The benefit table in force: PP 44/2015 as amended by PP 82/2019 (in force 2 December 2019)."""

from datetime import date

from django.db import migrations

PP_82_2019 = "PP 44/2015 jo. PP 82/2019"
RATES = [
    # claim kind, fixed amount, multiple of declared income, is a ceiling
    ("jkm_death", 42_000_000, 0, False),  # 20 jt lump sum + 12 jt periodic + 10 jt funeral
    ("jkk_death", 10_000_000, 48, False),  # 48x income + funeral
    ("jkk_disability", 0, 56, True),  # up to 56x income
    ("jkk_temporary", 0, 12, True),  # 100% of income for the first 12 months
    ("jkk_medical", 0, 0, False),  # as needed, no ceiling: the cost decides
]


def seed(apps, schema_editor):
    BenefitRate = apps.get_model("enrollment", "BenefitRate")
    for kind, fixed, multiple, ceiling in RATES:
        BenefitRate.objects.get_or_create(
            claim_kind=kind,
            effective_on=date(2019, 12, 2),
            defaults={
                "fixed_amount": fixed,
                "income_multiple": multiple,
                "is_ceiling": ceiling,
                "regulation": PP_82_2019,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
