from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rentan.accounts.models import User
from rentan.api.services import MAX_DAYS
from rentan.core.forms import IntegerField


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=100,
        help_text=_('Untuk apa token ini, mis. "dasbor kota".'),
    )
    days = IntegerField(label=_("Berlaku (hari)"), min_value=1, max_value=MAX_DAYS, initial=90)

    def __init__(self, *args: Any, may_choose_user: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if may_choose_user:
            # The admin makes a token for any active user (a system account, a colleague).
            self.fields["user"] = forms.ModelChoiceField(
                label=_("Untuk pengguna"),
                queryset=User.objects.filter(is_active=True).order_by("username"),
                required=False,
                help_text=_("Kosongkan untuk token Anda sendiri."),
            )
