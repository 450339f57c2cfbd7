import importlib
import inspect
import pkgutil
from decimal import Decimal

from django import forms

import rentan
from rentan.core import forms as number_fields
from rentan.enrollment.forms import PaymentForm
from rentan.programmes.forms import WhatIfForm
from rentan.programmes.scoring import DEFAULT_WEIGHTS


def _payment(amount: str) -> PaymentForm:
    return PaymentForm({"amount": amount, "paid_on": "2023-02-10", "reference": ""})


def test_a_payment_typed_the_indonesian_way_is_read():
    for typed in ("Rp 403.200", "403.200", "Rp403.200", "403200"):
        form = _payment(typed)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == 403_200


def test_an_ambiguous_amount_is_refused_with_both_readings():
    form = _payment("1,500")
    assert not form.is_valid()
    message = form.errors["amount"][0]
    assert "1.500" in message
    assert "1,5" in message


def test_a_weight_takes_a_decimal_comma_and_refuses_a_decimal_dot():
    form = WhatIfForm({"whatif": "1", "w_low_income": "12,5"}, weights=DEFAULT_WEIGHTS)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["w_low_income"] == Decimal("12.5")
    form = WhatIfForm({"whatif": "1", "w_low_income": "12.5"}, weights=DEFAULT_WEIGHTS)
    assert not form.is_valid()
    assert "koma menandai desimal" in form.errors["w_low_income"][0]


def test_limits_are_shown_grouped():
    field = number_fields.IntegerField(label="Penghasilan", max_value=1_000_000_000)
    form = type("F", (forms.Form,), {"income": field})({"income": "2.000.000.000"})
    assert form.errors["income"] == ["Tidak boleh lebih dari 1.000.000.000."]


def test_values_are_shown_back_grouped():
    form = WhatIfForm(weights={**DEFAULT_WEIGHTS, "low_income": "12.5"})
    form.fields["budget_ceiling"].initial = 300_000_000
    assert 'value="300.000.000"' in str(form["budget_ceiling"])
    assert 'inputmode="numeric"' in str(form["budget_ceiling"])
    assert 'value="12,5"' in str(form["w_low_income"])
    typed = WhatIfForm({"budget_ceiling": "300000000"}, weights=DEFAULT_WEIGHTS)
    assert 'value="300.000.000"' in str(typed["budget_ceiling"])
    wrong = WhatIfForm({"budget_ceiling": "300.000.0"}, weights=DEFAULT_WEIGHTS)
    assert 'value="300.000.0"' in str(wrong["budget_ceiling"])


# A year is typed and shown as written (2026, not 2.026).
PLAIN_NUMBERS = {("rentan.programmes.forms", "CycleForm", "year")}


def _is_plain_number(field: forms.Field) -> bool:
    ours = isinstance(field, number_fields.IntegerField | number_fields.DecimalField)
    return not ours and isinstance(
        field, forms.IntegerField | forms.DecimalField | forms.FloatField
    )


def test_every_number_a_form_asks_for_is_read_the_indonesian_way():
    plain = set()
    for module_info in pkgutil.walk_packages(rentan.__path__, "rentan."):
        if not module_info.name.endswith(".forms") or ".tests" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            for field_name, field in cls.base_fields.items():
                if _is_plain_number(field):
                    plain.add((module.__name__, name, field_name))
    assert plain == PLAIN_NUMBERS
