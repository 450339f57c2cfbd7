"""A remembered drop-down renders as Django's own, for each value, list and language."""

from django import forms
from django.utils import translation

from rentan.core.widgets import RememberedSelect


def _both(name, value, choices, attrs=None):
    plain = forms.Select(choices=choices).render(name, value, attrs)
    kept = RememberedSelect(choices=choices).render(name, value, attrs)
    return plain, kept


def test_remembered_select_renders_what_select_renders():
    choices = [("", "Semua kelurahan"), ("33.75.01.1001", "Medono"), ("33.75.01.1002", "Podosugih")]
    for value in ("", "33.75.01.1001", "33.75.01.1002"):
        plain, kept = _both("kelurahan", value, choices, {"id": "id_kelurahan"})
        assert kept == plain
        # Asked again (now from what was kept): still the same, with this value selected.
        assert (
            RememberedSelect(choices=choices).render("kelurahan", value, {"id": "id_kelurahan"})
            == plain
        )
    assert 'value="33.75.01.1002" selected' in _both("kelurahan", "33.75.01.1002", choices)[1]
    other = [("", "Semua kelurahan"), ("33.75.01.1003", "Kergon")]
    assert "Kergon" in RememberedSelect(choices=other).render("kelurahan", "", None)


def test_remembered_select_follows_the_language():
    from django.utils.translation import gettext_lazy

    choices = [("", gettext_lazy("Semua kecamatan"))]
    with translation.override("id"):
        indonesian = RememberedSelect(choices=choices).render("kecamatan", "", None)
    with translation.override("en"):
        english = RememberedSelect(choices=choices).render("kecamatan", "", None)
        assert english == forms.Select(choices=choices).render("kecamatan", "", None)
    assert "Semua kecamatan" in indonesian
    assert english != indonesian
