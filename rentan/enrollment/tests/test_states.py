import itertools

import pytest

from rentan.enrollment.states import (
    TRANSITIONS,
    MembershipStatus,
    TransitionRefused,
    check_transition,
)

S = MembershipStatus
ALLOWED = {
    (S.APPROVED, S.REGISTERED),
    (S.APPROVED, S.ENDED),
    (S.REGISTERED, S.ACTIVE),
    (S.REGISTERED, S.REJECTED),
    (S.REGISTERED, S.ENDED),
    (S.ACTIVE, S.ENDED),
    (S.REJECTED, S.REGISTERED),
    (S.REJECTED, S.ENDED),
}
REFUSED = sorted(set(itertools.product(S, S)) - ALLOWED)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transition_passes(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_impossible_transition_is_refused_naming_both_states(current, target):
    with pytest.raises(TransitionRefused) as refused:
        check_transition(current, target)
    assert refused.value.current == current
    assert refused.value.target == target
    assert str(current.label) in str(refused.value)
    assert str(target.label) in str(refused.value)


def test_table_lists_every_state_and_ended_is_final():
    assert set(TRANSITIONS) == set(S)
    assert TRANSITIONS[S.ENDED] == frozenset()
    assert len(REFUSED) == 25 - len(ALLOWED)
