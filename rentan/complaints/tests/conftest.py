# The programme of the selection tests, for complaints about its cycles.
from rentan.programmes.tests.conftest import programme  # noqa: F401
