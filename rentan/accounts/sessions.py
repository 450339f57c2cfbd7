"""When a signed-in session ends on its own: after a while unused, or too long after login."""

import enum


class SessionEnd(enum.Enum):
    SIGNED_OUT = "signed_out"  # the Keluar button
    IDLE = "idle"
    MAX_AGE = "max_age"


def session_end(
    *,
    now: float,
    started_at: float | None,
    last_active_at: float | None,
    idle_seconds: int,
    max_age_seconds: int,
) -> SessionEnd | None:
    """Why the session is over at `now` (seconds since the epoch), or None while it lasts.

    A session with no stamps yet (signed in before the stamps existed) starts counting now.
    """
    if started_at is not None and now - started_at >= max_age_seconds:
        return SessionEnd.MAX_AGE
    if last_active_at is not None and now - last_active_at >= idle_seconds:
        return SessionEnd.IDLE
    return None
