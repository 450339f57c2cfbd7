import pytest

from rentan.accounts.access import Capability, can
from rentan.accounts.models import Role, User


@pytest.mark.parametrize(
    ("role", "capability", "allowed"),
    [
        (Role.ADMIN, Capability.READ_AUDIT, True),
        (Role.ADMIN, Capability.SEE_FULL_NIK, True),
        (Role.OPERATOR, Capability.EDIT_PERSONS, True),
        (Role.OPERATOR, Capability.READ_AUDIT, False),
        (Role.OPERATOR, Capability.VERIFY_PERSONS, False),
        (Role.VERIFIER, Capability.VERIFY_PERSONS, True),
        (Role.VERIFIER, Capability.EDIT_PERSONS, False),
        (Role.BPJS_OFFICER, Capability.VIEW_PERSONS, False),
        (Role.LEADER, Capability.VIEW_AGGREGATES, True),
        (Role.LEADER, Capability.VIEW_PERSONS, False),
        (Role.LEADER, Capability.SEE_FULL_NIK, False),
    ],
)
def test_role_capabilities(role, capability, allowed):
    user = User(username="x", role=role, is_active=True)
    assert can(user, capability) is allowed


def test_inactive_user_can_do_nothing():
    user = User(username="x", role=Role.ADMIN, is_active=False)
    assert not any(can(user, capability) for capability in Capability)
