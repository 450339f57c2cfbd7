"""Work handed to the worker is asked for once at a time, and asked for again only when it
failed, was lost, or (for a job run again) is done."""

import time
from types import SimpleNamespace

from rentan.core import background


def test_work_waiting_or_running_is_not_asked_for_twice():
    assert background.claim("a")
    assert not background.claim("a")
    background.note_running("a", 1, 3, phase="write")
    assert not background.claim("a")
    noted = background.state("a") or {}
    assert (noted["state"], noted["phase"], noted["done"], noted["total"]) == (
        "running",
        "write",
        1,
        3,
    )


def test_failed_work_is_asked_for_again_and_done_work_only_when_run_again():
    background.claim("pdf")
    background.note_failed("pdf", "pustaka Pango tidak ditemukan")
    assert background.state("pdf")["reason"] == "pustaka Pango tidak ditemukan"
    assert background.claim("pdf")
    background.note_done("pdf", total=4, exchange=7)
    assert background.state("pdf")["exchange"] == 7
    assert not background.claim("pdf")  # a document once made stays made
    assert background.claim("pdf", again_if_done=True)  # a job may run again
    assert background.state("pdf")["state"] == "queued"


def test_work_not_heard_of_for_longer_than_any_step_is_lost(monkeypatch):
    background.claim("b")
    background.note_running("b", 1, 3)
    assert not background.is_lost(background.state("b"))
    later = time.time() + background.STALE_SECONDS + 1
    monkeypatch.setattr(background, "time", SimpleNamespace(time=lambda: later))
    assert background.is_lost(background.state("b"))
    assert background.claim("b")
    assert not background.is_lost({"state": "done", "since": 0})


def test_a_progress_page_follows_the_note_and_says_when_the_worker_stopped(monkeypatch):
    assert background.followed("c", lost="berhenti") == {}
    background.claim("c")
    background.note_running("c", 2, 5, phase="write")
    assert background.followed("c", lost="berhenti")["done"] == 2
    later = time.time() + background.STALE_SECONDS + 1
    monkeypatch.setattr(background, "time", SimpleNamespace(time=lambda: later))
    assert background.followed("c", lost="berhenti") == {"state": "failed", "reason": "berhenti"}
