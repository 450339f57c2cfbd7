from datetime import date
from typing import Any

from rentan.complaints import services
from rentan.complaints.lifecycle import Category, Channel, Reporter
from rentan.complaints.models import Complaint

RECEIVED_ON = date(2026, 11, 20)


def record(actor: Any, person: Any = None, **fields: Any) -> Complaint:
    values: dict[str, Any] = {
        "channel": Channel.DESK,
        "category": Category.NOT_SELECTED,
        "reporter": Reporter.PERSON if person is not None else Reporter.OTHER,
        "text": "Tidak terpilih padahal memenuhi syarat.",
        "received_on": RECEIVED_ON,
        "person": person,
    }
    if person is None:
        values["reporter_name"] = "Bu Tini"
    values.update(fields)
    return services.record_complaint(actor=actor, new=services.NewComplaint(**values))
