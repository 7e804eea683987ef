"""The practitioner's caseload: a row of figures per patient they care for, from a
fixed handful of queries however many patients there are.

Each patient's figures are stored (app.models.caseload.CaseloadDigest) with the moment
they stop holding by the clock and the version of the patient's records they were
worked out from; a view reads them with the names in one query, works out afresh only
the patients whose stored figures no longer hold (app.services.caseload_figures), and
stores those. So a dashboard of hundreds of patients costs about one query and a
table when nothing has changed, and never replays anyone's history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.domain import caseload as rules
from app.models import AuditAction, CareCourse, CaseloadDigest, PatientProfile, User
from app.services import access, audit
from app.services.caseload_figures import ROUTINE_BITS, Figures, figures_for

__all__ = ["ROUTINE_BITS", "Caseload", "CaseloadQuery", "CaseloadRow", "SortKey", "caseload"]


class SortKey(StrEnum):
    NAME = "name"
    LAST_ACTIVITY = "last_activity"
    ADHERENCE_7 = "adherence_7"
    ADHERENCE_30 = "adherence_30"
    CRAMP_NIGHTS = "cramp_nights"
    TREND = "trend"
    UNRECORDED = "unrecorded"
    NEXT_VISIT = "next_visit"
    RED_FLAGS = "red_flags"


@dataclass(frozen=True, kw_only=True)
class CaseloadRow(Figures):
    """One patient's figures, with who they are and what the clinic has planned."""

    patient_id: int
    name: str
    trend: rules.Trend
    next_visit: date | None


# Rows on one page of the dashboard: sorting and filtering still run over every patient;
# a table of hundreds of rows took most of the page's time to render and to read.
PAGE_SIZE = 100


@dataclass(frozen=True)
class CaseloadQuery:
    search: str = ""
    attention_only: bool = False
    sort: SortKey = SortKey.NAME
    descending: bool = False
    page: int | None = None  # 1-based; None: every row (exports)


@dataclass(frozen=True)
class Caseload:
    rows: list[CaseloadRow]  # the page's rows, or all of them
    total: int  # own patients, before search and filter
    query: CaseloadQuery
    needing_attention: int = 0
    reasons: dict[rules.Attention, int] = field(default_factory=dict)
    matching: int = 0  # rows after search and filter, on every page
    page: int = 1
    pages: int = 1

    @property
    def first(self) -> int:
        """The position of the page's first row among the matching ones (1-based)."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


_FIGURES = [f.name for f in fields(Figures)]
_STORED = [name for name in _FIGURES if name != "valid_until"]


def _stored(digest: tuple, version: int, now: datetime) -> Figures | None:
    """The stored figures if they still hold: worked out from the patient's current
    records, and the clock has not passed the moment they stop holding."""
    stored_version, computed_at, valid_until, *values = digest
    if stored_version != version or computed_at is None:
        return None
    if not computed_at <= now < valid_until:
        return None
    figures = dict(zip(_STORED, values, strict=True))
    figures["red_flags"] = tuple(figures["red_flags"])
    figures["attention"] = tuple(rules.Attention(a) for a in figures["attention"])
    return Figures(**figures, valid_until=valid_until)


def _store(session: Session, fresh: dict[int, Figures], versions: dict[int, int], now) -> None:
    """Keep the figures just worked out, with the record versions they were read at.
    Two views filling the same rows at once (PostgreSQL) leave the first one's."""
    rows = [
        {
            "patient_id": patient_id,
            "version": versions[patient_id],
            "computed_at": now,
            "valid_until": figures.valid_until,
            **{name: getattr(figures, name) for name in _STORED},
            "red_flags": list(figures.red_flags),
            "attention": [a.value for a in figures.attention],
        }
        for patient_id, figures in fresh.items()
    ]
    try:
        with session.begin_nested():
            session.execute(
                delete(CaseloadDigest).where(col(CaseloadDigest.patient_id).in_(sorted(fresh)))
            )
            session.execute(insert(CaseloadDigest), rows)
    except IntegrityError:
        pass  # another view stored them first; they are worked out again when stale


def caseload(
    session: Session,
    *,
    actor: User,
    now: datetime,
    query: CaseloadQuery = CaseloadQuery(),
) -> Caseload:
    """Every patient ``actor`` cares for, with the dashboard's figures; records the view.

    Adherence is judged through yesterday (today's evening may still be under way);
    nights count up to the last night whose morning has come. Stored figures are used
    while they hold; the others are worked out again and stored.
    """
    visible = access.visible_patient_ids(actor)
    digest = CaseloadDigest
    # The versions are read before any diary row (figures_for), so figures stored
    # with them can only be older than the diary, never newer: an older one is ignored.
    people = session.exec(
        select(
            User.id,
            User.name,
            # Columns, not the entity: loading hundreds of ORM objects cost more than
            # the rest of the query; only stale rows need a profile (transient, below).
            PatientProfile.time_zone,
            PatientProfile.bedtime,
            PatientProfile.wake_time,
            PatientProfile.figures_version,
            CareCourse.next_visit,
            digest.version,
            digest.computed_at,
            digest.valid_until,
            *(getattr(digest, name) for name in _STORED),
        )
        .join(PatientProfile, PatientProfile.user_id == User.id)
        .outerjoin(CareCourse, CareCourse.patient_id == User.id)
        .outerjoin(digest, digest.patient_id == User.id)
        .where(col(User.id).in_(visible))
    ).all()
    total = len(people)
    needle = query.search.strip().casefold()
    if needle:
        people = [p for p in people if needle in p[1].casefold()]
    figures: dict[int, Figures] = {}
    stale: dict[int, PatientProfile] = {}
    versions: dict[int, int] = {}
    for patient_id, _name, zone, bedtime, wake_time, version, _visit, *stored in people:
        found = _stored(tuple(stored), version, now)
        if found is None:
            stale[patient_id] = PatientProfile(
                user_id=patient_id, time_zone=zone, bedtime=bedtime, wake_time=wake_time
            )
            versions[patient_id] = version
        else:
            figures[patient_id] = found
    if stale:
        fresh = figures_for(session, actor=actor, profiles=stale, now=now)
        figures.update(fresh)
        _store(session, fresh, versions, now)
    rows = []
    for patient_id, name, _zone, _bed, _wake, _version, next_visit, *_digest in people:
        f = figures[patient_id]
        rows.append(
            CaseloadRow(
                **{key: getattr(f, key) for key in _FIGURES},
                patient_id=patient_id,
                name=name,
                trend=rules.trend(f.cramp_nights_7, f.cramp_nights_before),
                next_visit=next_visit,
            )
        )
    reasons: dict[rules.Attention, int] = defaultdict(int)
    for row in rows:
        for reason in row.attention:
            reasons[reason] += 1
    needing = sum(1 for row in rows if row.attention)
    if query.attention_only:
        rows = [row for row in rows if row.attention]
    rows = sort_rows(rows, query.sort, descending=query.descending)
    matching, page, pages = len(rows), 1, 1
    if query.page is not None:
        pages = max(1, -(-matching // PAGE_SIZE))
        page = min(max(query.page, 1), pages)
        rows = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    audit.record_now(
        session,
        actor=actor,
        action=AuditAction.VIEW_CASELOAD,
        now=now,
        detail=f"{len(rows)} patients",
    )
    return Caseload(
        rows=rows,
        total=total,
        query=query,
        needing_attention=needing,
        reasons=dict(reasons),
        matching=matching,
        page=page,
        pages=pages,
    )


_TREND_ORDER = {rules.Trend.FEWER: 0, rules.Trend.SAME: 1, rules.Trend.MORE: 2}


def _key(sort: SortKey):
    # Missing values sort last whichever way the column is sorted.
    getters = {
        SortKey.NAME: lambda r: r.name,
        SortKey.LAST_ACTIVITY: lambda r: r.last_activity,
        SortKey.ADHERENCE_7: lambda r: r.adherence_7,
        SortKey.ADHERENCE_30: lambda r: r.adherence_30,
        SortKey.CRAMP_NIGHTS: lambda r: r.cramp_nights_7,
        SortKey.TREND: lambda r: _TREND_ORDER[r.trend],
        SortKey.UNRECORDED: lambda r: r.unrecorded_7,
        SortKey.NEXT_VISIT: lambda r: r.next_visit,
        SortKey.RED_FLAGS: lambda r: len(r.red_flags),
    }
    return getters[sort]


def sort_rows(rows: list[CaseloadRow], sort: SortKey, *, descending: bool) -> list[CaseloadRow]:
    """Sort by one column, missing values last, ties by name."""
    get = _key(sort)
    rows = sorted(rows, key=lambda r: r.name)
    present = [r for r in rows if get(r) is not None]
    missing = [r for r in rows if get(r) is None]
    return sorted(present, key=get, reverse=descending) + missing
