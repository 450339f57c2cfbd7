"""Log records as JSON lines on standard output, the form journald and log collectors read.

Production (config.settings.prod) and gunicorn (config/gunicorn.conf.py) use these formatters;
python-json-logger does the serialising.
"""

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter

# One object per line: when (UTC, ISO 8601), how serious, which logger and process, what
# happened (and a traceback).
FIELDS = "%(levelname)s %(name)s %(process)d %(message)s"
RENAMED = {"levelname": "level", "name": "logger", "process": "pid"}


class RecordFormatter(JsonFormatter):
    """Django's request log passes the request itself; only its method and path are kept
    (its query string may hold a searched NIK or name)."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        request = log_data.pop("request", None)
        if request is not None:
            log_data["method"] = getattr(request, "method", None)
            log_data["path"] = getattr(request, "path", None)


def formatter() -> JsonFormatter:
    return RecordFormatter(FIELDS, rename_fields=RENAMED, timestamp="time")


class AccessFormatter(JsonFormatter):
    """gunicorn's access log: one object per request with its fields as keys.

    The path is logged without its query string: a search by NIK or by name puts personal
    data there, and a log is kept and read far more widely than the audit trail.
    """

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        atoms: Any = record.args if isinstance(record.args, dict) else {}
        status = str(atoms.get("s", ""))
        log_data.update(
            {
                "remote": atoms.get("h"),
                "method": atoms.get("m"),
                "path": atoms.get("U"),
                "status": int(status) if status.isdigit() else status,
                "bytes": atoms.get("B"),
                "duration_ms": round(int(atoms.get("D") or 0) / 1000, 1),
                "user_agent": atoms.get("a"),
            }
        )


def access_formatter() -> AccessFormatter:
    return AccessFormatter(FIELDS, rename_fields=RENAMED, timestamp="time")
