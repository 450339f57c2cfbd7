"""Background work of enrollment (django-tasks; `rentan db_worker`): a registration file too
large to make while the person waits.

A cycle of 100,000 members takes tens of seconds to read, write and record, longer than a
web request should hold a server thread. The page queues it instead and follows its
progress through `core.background`; the file, its rows and its audit events are the same as
when it is made at once, since the same service makes them.
"""

import logging
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django_tasks import task

from rentan.core import background
from rentan.enrollment.bpjs_files import MappingError, SheetNameError
from rentan.enrollment.services import EnrollmentRefused
from rentan.enrollment.services import exchange_files as file_services
from rentan.programmes.models import Cycle

logger = logging.getLogger(__name__)


def registration_key(cycle_id: int) -> str:
    """One registration file is made per cycle at a time: a second click follows the first."""
    return f"registration-{cycle_id}"


def describe_failure(error: BaseException) -> str:
    """A reason the admin can act on: a refusal or a mapping problem says itself; anything else
    is named by its kind only (its text may hold personal data, and belongs in the log)."""
    if isinstance(error, EnrollmentRefused | MappingError | SheetNameError):
        return str(error)
    return _(
        "Kesalahan tak terduga (%(kind)s). Tidak ada kepesertaan yang berubah; coba lagi. "
        "Jika terulang, hubungi admin."
    ) % {"kind": type(error).__name__}


@task()
def make_registration_file(
    cycle_id: int, actor_id: int | None, today_iso: str, complete_only: bool = False
) -> None:
    from rentan.accounts.models import User

    key = registration_key(cycle_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        exchange = file_services.export_registration(
            actor=actor,
            cycle=Cycle.objects.select_related("programme").get(pk=cycle_id),
            today=date.fromisoformat(today_iso),
            progress=lambda phase, done, total: background.note_running(
                key, done, total, phase=phase
            ),
            complete_only=complete_only,
        )
    except (EnrollmentRefused, MappingError, SheetNameError) as refused:
        # Nothing was sent (one transaction): the page says why and offers to try again.
        background.note_failed(key, describe_failure(refused))
        return
    except Exception as error:
        logger.exception("Berkas pendaftaran periode #%s gagal dibuat", cycle_id)
        background.note_failed(key, describe_failure(error))
        raise
    background.note_done(key, total=exchange.rows, exchange=exchange.pk)


def ask_for_registration_file(
    *, cycle: Cycle, actor: Any, today: date, complete_only: bool = False
) -> bool:
    """Queue the cycle's registration file unless one is already waiting or being made
    (False then: the page follows that one)."""
    if not background.claim(registration_key(cycle.pk), again_if_done=True):
        return False
    make_registration_file.enqueue(
        cycle.pk, getattr(actor, "pk", None), today.isoformat(), complete_only
    )
    return True
