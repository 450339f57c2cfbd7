"""The first admin of a new installation comes from `rentan createsuperuser` with its role."""

import pytest
from django.core.management import CommandError, call_command

from rentan.accounts.access import Capability, can
from rentan.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_createsuperuser_makes_an_admin_dinas(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Rahasia-pertama-2026")

    call_command(
        "createsuperuser",
        "--noinput",
        username="admin-dinas",
        email="it@dinas.example.go.id",
        role="admin",
        verbosity=0,
    )

    user = User.objects.get(username="admin-dinas")
    assert (user.role, user.is_superuser) == (Role.ADMIN, True)
    assert user.check_password("Rahasia-pertama-2026")
    assert can(user, Capability.READ_AUDIT)


def test_createsuperuser_without_a_role_is_refused():
    with pytest.raises(CommandError, match="role"):
        call_command(
            "createsuperuser", "--noinput", username="tanpa-peran", email="x@example.go.id"
        )
    assert not User.objects.filter(username="tanpa-peran").exists()
