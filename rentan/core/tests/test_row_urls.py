"""`{% row_url %}` gives each row the address `{% url %}` gives it."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse

from rentan.core.templatetags.row_urls import row_url


@pytest.mark.parametrize(
    ("view_name", "args"),
    [
        ("registry:person_detail", (7,)),
        ("registry:person_detail", (1_234_567,)),
        ("registry:person_detail", (904_117_263,)),  # the stand-in itself
        ("registry:duplicate_merge", (12,)),
        ("programmes:explain", ("jkk-jkm", 2024, 88)),
        ("programmes:explain", ("lain", 2025, 5)),
        ("registry:person_list", ()),
    ],
)
def test_each_row_gets_the_address_reverse_gives(view_name, args):
    assert row_url(view_name, *args) == reverse(view_name, args=args)
    # The second time from the kept pattern.
    assert row_url(view_name, *args) == reverse(view_name, args=args)


def test_what_reverse_refuses_is_still_refused():
    with pytest.raises(NoReverseMatch):
        row_url("registry:person_detail", "bukan-angka")
    with pytest.raises(NoReverseMatch):
        row_url("registry:person_detail", -3)


def test_the_tag_in_a_template_writes_the_rows_addresses():
    template = engines["django"].from_string(
        "{% load row_urls %}{% for pk in ids %}{% row_url 'registry:person_detail' pk %} "
        "{% endfor %}"
    )
    assert template.render({"ids": [3, 40]}) == (
        f"{reverse('registry:person_detail', args=[3])} "
        f"{reverse('registry:person_detail', args=[40])} "
    )
