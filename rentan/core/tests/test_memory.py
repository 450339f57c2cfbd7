import gc

import pytest

from rentan.core.memory import without_cyclic_gc


@pytest.fixture
def collector_on():
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_after(collector_on):
    with without_cyclic_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_after_an_error(collector_on):
    with pytest.raises(ValueError, match="row 7"), without_cyclic_gc():
        raise ValueError("row 7")
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off(collector_on):
    gc.disable()
    with without_cyclic_gc():
        pass
    assert not gc.isenabled()
