"""Programmes, their cycles (periode), each cycle's list (placements with rank and score)
and the explanation of one person's place: what the Seleksi pages show, to the same roles."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rentan.accounts.access import Capability, get_scoped_or_404, scope_to_user
from rentan.api.access import require
from rentan.api.errors import not_found, responses
from rentan.api.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from rentan.programmes import selectors, services
from rentan.programmes.models import Cycle, PlacementKind, Programme
from rentan.registry.models import Person
from rentan.registry.selectors import matching_name_or_nik

router = Router(tags=["seleksi"])


class CycleOut(Schema):
    id: int
    programme_code: str
    year: int
    status: str
    target: int
    budget_ceiling: int
    coverage_start_on: date
    coverage_months: int
    decree_reference: str


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    sponsor: str
    legal_basis: str
    benefits: list[str]
    region_code: str
    cycles: list[CycleOut]


class PlacementOut(Schema):
    person_id: int
    name: str
    nik_masked: str
    kelurahan_code: str | None
    kind: str
    rank: int
    score: Decimal
    score_parts: dict[str, Any]
    ended_on: date | None = None


class PlacementPage(Page):
    items: list[PlacementOut]


class PlacementFilters(Schema):
    kind: PlacementKind | None = None
    q: str = Field("", max_length=100)
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class RuleOut(Schema):
    rule: str
    passed: bool
    reason: str
    explanation: str


class ScoreLineOut(Schema):
    factor: str
    points: float
    explanation: str


class ExplanationOut(Schema):
    cycle_id: int
    person_id: int
    eligible: bool
    verdict: str
    rules: list[RuleOut]
    score_lines: list[ScoreLineOut]
    score_total: float
    placement: PlacementOut | None
    selected: int


def _cycle_out(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "programme_code": cycle.programme.code,
        "year": cycle.year,
        "status": cycle.status,
        "target": cycle.target,
        "budget_ceiling": cycle.budget_ceiling,
        "coverage_start_on": cycle.coverage_start_on,
        "coverage_months": cycle.coverage_months,
        "decree_reference": cycle.decree_reference,
    }


def _placement_out(placement: Any) -> dict[str, Any]:
    return {
        "person_id": placement.person_id,
        "name": placement.person.name,
        "nik_masked": placement.person.masked_nik,
        "kelurahan_code": placement.kelurahan_id,
        "kind": placement.kind,
        "rank": placement.rank,
        "score": placement.score,
        "score_parts": placement.score_parts,
        "ended_on": placement.ended_on,
    }


def _cycle(cycle_id: int) -> Cycle:
    cycle = Cycle.objects.select_related("programme").filter(pk=cycle_id).first()
    if cycle is None:
        raise not_found()
    return cycle


@router.get("/programmes", response=responses(list[ProgrammeOut]), operation_id="list_programmes")
def list_programmes(request: HttpRequest) -> list[dict[str, Any]]:
    """Every programme with its cycles, oldest year first."""
    require(request, Capability.READ_SELECTION)
    programmes = Programme.objects.order_by("code").prefetch_related("cycles")
    return [
        {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "sponsor": p.sponsor,
            "legal_basis": p.legal_basis,
            "benefits": list(p.benefits),
            "region_code": p.region_id,
            "cycles": [_cycle_out(c) for c in sorted(p.cycles.all(), key=lambda c: c.year)],
        }
        for p in programmes
    ]


@router.get(
    "/cycles/{cycle_id}/placements",
    response=responses(PlacementPage),
    operation_id="list_placements",
)
def list_placements(
    request: HttpRequest, cycle_id: int, filters: Query[PlacementFilters]
) -> dict[str, Any]:
    """A cycle's list by rank (continuing, new, waiting list), each with its score and the
    score's parts; `q` searches the persons as the page's search does."""
    user = require(request, Capability.READ_SELECTION)
    cycle = _cycle(cycle_id)
    scoped = scope_to_user(
        user,
        selectors.cycle_placements(cycle, filters.kind or ""),
        kelurahan_field="kelurahan",
    )
    placements = matching_name_or_nik(scoped, filters.q, person="person__")
    rows, next_cursor = page_of(
        placements, within=scoped, field="rank", cursor=filters.cursor, limit=filters.limit
    )
    return {"items": [_placement_out(p) for p in rows], "next_cursor": next_cursor}


@router.get(
    "/cycles/{cycle_id}/explanations/{person_id}",
    response=responses(ExplanationOut),
    operation_id="explain_placement",
)
def explain_placement(request: HttpRequest, cycle_id: int, person_id: int) -> dict[str, Any]:
    """Why a person is, or is not, on the cycle's list: each rule, each part of the score,
    the rank and the verdict, as the explanation page says it. Recorded as a read."""
    user = require(request, Capability.READ_SELECTION)
    cycle = _cycle(cycle_id)
    try:
        person = get_scoped_or_404(
            user,
            Person.objects.select_related("kelurahan__parent", "occupation"),
            kelurahan_field="kelurahan",
            pk=person_id,
        )
    except Exception as missing:
        raise not_found() from missing
    shown = services.explain_selection(
        actor=user, cycle=cycle, person=person, page=request.get_full_path()
    )
    placement = shown["placement"]
    return {
        "cycle_id": cycle.pk,
        "person_id": person.pk,
        "eligible": shown["eligible"],
        "verdict": shown["verdict"],
        "rules": [
            {
                "rule": str(o.rule),
                "passed": o.passed,
                "reason": str(o.reason),
                "explanation": o.explanation,
            }
            for o in shown["outcomes"]
        ],
        "score_lines": [
            {"factor": str(line.factor), "points": line.points, "explanation": line.explanation}
            for line in shown["score_lines"]
        ],
        "score_total": shown["score_total"],
        "placement": _placement_out(placement) if placement is not None else None,
        "selected": shown["selected"],
    }
