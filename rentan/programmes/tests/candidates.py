"""The candidate the pure selection tests start from and change one thing of."""

from datetime import date

from rentan.programmes.eligibility import Candidate

# A becak driver who passes every rule.
BUDI = Candidate(
    person_id=1,
    nik="3375010501850001",
    name="Budi",
    birth_date=date(1985, 1, 5),
    sex="L",
    kelurahan_code="33.75.01.1002",
    occupation_code="pengayuh-becak",
    household_id=10,
    verified_on=date(2022, 6, 1),
    is_active=True,
    monthly_income=1_500_000,
    dependents=2,
    has_disability=False,
)
