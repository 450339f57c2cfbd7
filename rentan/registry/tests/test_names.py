import pytest

from rentan.registry.names import comparable_name, name_key


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("MUHAMMAD RIZKI", "muhammad rizki"),
        ("Mohammad Rizki", "muhammad rizki"),
        ("Mochammad Rizki", "muhammad rizki"),
        ("Moh. Rizki", "muhammad rizki"),
        ("Muh. Rizki", "muhammad rizki"),
        ("M. Rizki", "muhammad rizki"),
        ("Moh.Rizki", "muhammad rizki"),
        ("Siti Aminah", "siti aminah"),
        ("St. Aminah", "siti aminah"),
        ("Hj. St. Aminah", "siti aminah"),
        ("H. Slamet", "slamet"),
        ("H Slamet", "slamet"),
        ("Drs. Budi Santoso", "budi santoso"),
        ("Dr. Budi Santoso", "budi santoso"),
        ("Ir. H. Joko Widodo", "joko widodo"),
        ("Budi Santoso, S.Pd.", "budi santoso"),
        ("Budi Santoso S.Pd.I", "budi santoso"),
        ("Budi Santoso SPd", "budi santoso"),
        ("Ahmad bin Slamet", "ahmad slamet"),
        ("Aminah Binti Kasim", "aminah kasim"),
        ("  DEWI   LESTARI ", "dewi lestari"),
        ("Achmad Fauzi", "ahmad fauzi"),
        ("Nurul Hidayah", "nur hidayah"),
        ("NOOR HIDAYAH", "nur hidayah"),
        ("Siti Nurul Aini", "siti nur aini"),
        ("Moch. Rizki", "muhammad rizki"),
        ("Ma'ruf", "maruf"),
        ("Élis", "elis"),
        # A lone initial at the end is someone's surname initial, not Muhammad.
        ("Budi M.", "budi m"),
        # A single word stays what it is.
        ("M", "m"),
        ("Bin", "bin"),
    ],
)
def test_normalize_name(raw, normalized):
    assert comparable_name(raw) == normalized


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Joesoef Rachman", "Yusuf Rahman"),
        ("Djoko Susilo", "Joko Susilo"),
        ("Sukarno", "Soekarno"),
        ("Khairul Anwar", "Hairul Anwar"),
        ("Fitriyani", "Fitriani"),
        ("Muhammad Zaki", "Mohammad Zakki"),
    ],
)
def test_old_spellings_share_a_name_key(left, right):
    assert name_key(comparable_name(left)) == name_key(comparable_name(right))


@pytest.mark.parametrize(("left", "right"), [("Budi Santoso", "Budi Susanto"), ("Ani", "Ina")])
def test_different_names_have_different_keys(left, right):
    assert name_key(comparable_name(left)) != name_key(comparable_name(right))
