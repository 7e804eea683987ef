"""CSV exports for the clinic: one patient's diary and routines, and the caseload.

Files are UTF-8 with a byte-order mark, so that Excel in Japan opens them as UTF-8,
and any cell that a spreadsheet would read as a formula (starting with =, +, -, @,
or a tab or carriage return) is neutralised with a leading apostrophe. Every export
is recorded in the audit trail.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app.domain.catalogue import ROUTINE_NAMES
from app.domain.cramps import (
    DURATION_LABELS,
    FOOT_LABELS,
    SITE_LABELS,
    SITUATION_LABELS,
    SYMPTOM_LABELS,
    DurationPreset,
    Foot,
    Situation,
)
from app.i18n import N_
from app.models import AuditAction, Completion, CrampEvent, MorningCheckIn, User
from app.services import access, accounts, audit, caseload
from app.services.cramps import night_of

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Translate = Callable[[str], str]


def neutralise(value: object) -> str:
    """A cell as text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + out.getvalue()


def _yes_no(value: bool | None, t: Translate) -> str:
    return "" if value is None else t(N_("Yes")) if value else t(N_("No"))


PATIENT_HEADER = (
    N_("Record"),
    N_("Date"),
    N_("Time"),
    N_("Night of"),
    N_("Routine"),
    N_("Foot"),
    N_("Where"),
    N_("Severity (0–10)"),
    N_("Duration"),
    N_("Woke me up"),
    N_("Situation"),
    N_("With"),
    N_("Cramps that night"),
    N_("Number of cramps"),
    N_("Sets"),
    N_("Minutes"),
    N_("Reps"),
    N_("Glasses"),
    N_("Note"),
)


def patient_csv(
    session: Session, *, actor: User, patient_id: int, translate: Translate, now: datetime
) -> tuple[User, str]:
    """Every cramp, morning check-in and routine done by a patient, oldest first, in
    the patient's own time zone; records the export."""
    t = translate
    patient = access.patient_for(session, actor=actor, patient_id=patient_id)
    profile = accounts.profile_of(session, patient=patient)
    zone = ZoneInfo(profile.time_zone)
    rows: list[tuple] = []
    cramps = session.exec(
        select(CrampEvent)
        .where(CrampEvent.patient_id == patient.id)
        .order_by(CrampEvent.occurred_at)
    )
    for cramp in cramps:
        local = cramp.occurred_at.astimezone(ZoneInfo(cramp.zone))
        night = night_of(cramp, profile)
        rows.append(
            (
                t(N_("Cramp")),
                local.date().isoformat(),
                local.strftime("%H:%M"),
                night.isoformat() if night else t(N_("Daytime")),
                "",
                t(FOOT_LABELS[Foot(cramp.foot)]) if cramp.foot else "",
                " / ".join(t(SITE_LABELS[s]) for s in SITE_LABELS if s.value in cramp.sites),
                cramp.severity if cramp.severity is not None else "",
                t(DURATION_LABELS[DurationPreset(cramp.duration)]) if cramp.duration else "",
                _yes_no(cramp.woke_me_up, t),
                t(SITUATION_LABELS[Situation(cramp.situation)]) if cramp.situation else "",
                " / ".join(
                    t(SYMPTOM_LABELS[s]) for s in SYMPTOM_LABELS if s.value in cramp.symptoms
                ),
                "",
                "",
                "",
                cramp.duration_minutes if cramp.duration_minutes is not None else "",
                "",
                "",
                cramp.note,
            )
        )
    for answer in session.exec(
        select(MorningCheckIn)
        .where(MorningCheckIn.patient_id == patient.id)
        .order_by(MorningCheckIn.night_of)
    ):
        local = answer.answered_at.astimezone(zone)
        rows.append(
            (
                t(N_("Morning check-in")),
                local.date().isoformat(),
                local.strftime("%H:%M"),
                answer.night_of.isoformat(),
                "",
                "",
                "",
                answer.worst_severity if answer.worst_severity is not None else "",
                "",
                "",
                "",
                "",
                _yes_no(answer.had_cramps, t),
                answer.cramp_count if answer.cramp_count is not None else "",
                "",
                "",
                "",
                "",
                "",
            )
        )
    for done in session.exec(
        select(Completion)
        .where(Completion.patient_id == patient.id)
        .order_by(Completion.day, Completion.routine, Completion.slot)
    ):
        local = done.recorded_at.astimezone(zone)
        label = ROUTINE_NAMES.get(done.routine)
        rows.append(
            (
                t(N_("Routine done")),
                done.day.isoformat(),
                local.strftime("%H:%M"),
                "",
                t(label) if label else done.routine,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                done.sets if done.sets is not None else "",
                done.minutes if done.minutes is not None else "",
                done.reps if done.reps is not None else "",
                done.glasses if done.glasses is not None else "",
                "",
            )
        )
    rows.sort(key=lambda r: (r[1], r[2]))
    audit.record_now(
        session,
        actor=actor,
        action=AuditAction.EXPORT_PATIENT,
        now=now,
        patient_id=patient.id,
        detail=f"{len(rows)} rows",
    )
    return patient, to_csv([t(h) for h in PATIENT_HEADER], rows)


CASELOAD_HEADER = (
    N_("Name"),
    N_("Last activity"),
    N_("Adherence 7 days (%)"),
    N_("Adherence 30 days (%)"),
    N_("Cramp nights, last 7"),
    N_("Cramp nights, 7 before"),
    N_("Nights without a record (7)"),
    N_("Red flags"),
    N_("Needs attention"),
    N_("Next visit"),
)


def caseload_csv(session: Session, *, actor: User, translate: Translate, now: datetime) -> str:
    """The caseload dashboard as a spreadsheet, one row per patient."""
    t = translate
    view = caseload.caseload(session, actor=actor, now=now)
    rows = [
        (
            row.name,
            row.last_activity.isoformat() if row.last_activity else "",
            row.adherence_7 if row.adherence_7 is not None else "",
            row.adherence_30 if row.adherence_30 is not None else "",
            row.cramp_nights_7,
            row.cramp_nights_before,
            row.unrecorded_7,
            " / ".join(t(flag) for flag in row.red_flags),
            _yes_no(bool(row.attention), t),
            row.next_visit.isoformat() if row.next_visit else "",
        )
        for row in view.rows
    ]
    audit.record_now(
        session,
        actor=actor,
        action=AuditAction.EXPORT_CASELOAD,
        now=now,
        detail=f"{len(rows)} patients",
    )
    return to_csv([t(h) for h in CASELOAD_HEADER], rows)
