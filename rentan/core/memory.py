"""Building many small objects at once without the cyclic garbage collector.

A file of rows, a registry read for the duplicate search or a cycle's candidates become
millions of lists, tuples and strings that hold no reference cycles. Each time enough of them
have been made, the cyclic collector walks every object still alive, so a large batch pays
for them again and again (it doubles or triples the time); reference counting alone frees
them. The collector runs again as usual once the work is done.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
