"""A clinic at scale for the caseload benchmark: many patients with a year of history.

Rows go in with bulk inserts (no ORM objects, one password hash shared by every
account), so 500 patients with 365 days each take well under a minute on SQLite.
Histories are deterministic and varied: adherence from keen to lapsed, cramps from
rare to most nights, and a plan change for every fifth patient.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert

from app.db import writer
from app.domain.adherence import counts
from app.domain.catalogue import Routine, default_plan
from app.domain.rhythm import local_datetime
from app.domain.schedule import Cadence, plan_in_force
from app.models import (
    CareLink,
    Completion,
    CrampEvent,
    MorningCheckIn,
    PatientProfile,
    PlanItem,
    Role,
    User,
)
from app.services.plan import _row_values

CHUNK = 20_000
ZONE = "Asia/Tokyo"


@dataclass(frozen=True)
class ScaleClinic:
    practitioner_emails: dict[int, str]  # caseload size -> practitioner's e-mail
    patients: int
    days: int


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _flush(conn, table, rows: list[dict]) -> None:
    if rows:
        conn.execute(insert(table), rows)
        rows.clear()


def build(
    engine: Engine,
    *,
    password_hash: str,
    patients: int,
    days: int,
    now: datetime,
    caseloads: tuple[int, ...] = (),
    seed: int = 20261124,
    prefix: str = "",
) -> ScaleClinic:
    """Add ``patients`` patients with ``days`` days of history ending yesterday, and a
    practitioner per caseload size who cares for the first N of them (the last one
    cares for all)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    zone = ZoneInfo(ZONE)
    today = now.astimezone(zone).date()
    joined = today - timedelta(days=days)
    sizes = sorted({*(n for n in caseloads if n < patients), patients})
    with writer(engine).begin() as conn:
        staff_ids: dict[int, int] = {}
        for size in sizes:
            result = conn.execute(
                insert(User).values(
                    email=f"{prefix}caseload{size}@scale.example",
                    name=f"施術者 {size}",
                    role=Role.PRACTITIONER,
                    password_hash=password_hash,
                    created_at=now - timedelta(days=days + 1),
                )
            )
            staff_ids[size] = result.inserted_primary_key[0]
        families = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
        given = ["花子", "太郎", "美咲", "健", "陽子", "誠", "由美", "翔", "恵", "大輔", "直子"]
        completions: list[dict] = []
        cramps: list[dict] = []
        checkins: list[dict] = []
        links: list[dict] = []
        for index in range(patients):
            created = local_datetime(joined, time(10, 0), zone).astimezone(UTC)
            patient_id = conn.execute(
                insert(User).values(
                    email=f"{prefix}patient{index:04d}@scale.example",
                    name=f"{families[index % 10]} {given[(index // 10) % 11]} {index:03d}",
                    role=Role.PATIENT,
                    password_hash=password_hash,
                    created_at=created,
                )
            ).inserted_primary_key[0]
            conn.execute(
                insert(PatientProfile).values(
                    user_id=patient_id, time_zone=ZONE, bedtime=time(23, 0), wake_time=time(7, 0)
                )
            )
            versions = default_plan(joined)
            if index % 5 == 0:
                # A plan change 60 days ago: the calf stretch joins the evening.
                changed = today - timedelta(days=60)
                versions += [
                    v.replace(effective_from=changed, enabled=True)
                    for v in versions
                    if v.routine == Routine.CALF_STRETCH
                ]
            item_ids = {}
            for version in versions:
                item_ids[(version.routine, version.effective_from)] = conn.execute(
                    insert(PlanItem).values(
                        patient_id=patient_id,
                        routine=version.routine,
                        effective_from=version.effective_from,
                        created_at=created,
                        **_row_values(version),
                    )
                ).inserted_primary_key[0]
            versions = [
                v.replace(item_id=item_ids[(v.routine, v.effective_from)]) for v in versions
            ]
            for size in sizes:
                if index < size:
                    links.append(
                        {
                            "practitioner_id": staff_ids[size],
                            "patient_id": patient_id,
                            "created_at": created,
                        }
                    )
            keen = rng.uniform(0.35, 0.95)
            cramp_rate = rng.uniform(0.05, 0.6)
            records = rng.uniform(0.4, 0.95)
            lapsed_after = days - rng.randint(5, 30) if index % 9 == 4 else days
            segments = {}
            for offset in range(days):
                day = joined + timedelta(days=offset)
                if offset >= lapsed_after:
                    break
                key = max(v.effective_from for v in versions if v.effective_from <= day)
                plan = segments.get(key)
                if plan is None:
                    plan = segments[key] = [v for v in plan_in_force(versions, day) if counts(v)]
                at = local_datetime(day, time(21, 0), zone).astimezone(UTC)
                for item in plan:
                    weekly = item.frequency.cadence is Cadence.WEEKLY
                    if weekly and rng.random() > 0.4:
                        continue
                    if not weekly and not item.frequency.is_due_on(day):
                        continue
                    if rng.random() > keen:
                        continue
                    slots = 1
                    if item.routine == Routine.WATER:
                        slots = rng.randint(2, (item.dose.glasses or 1) + 1)
                    for slot in range(slots):
                        completions.append(
                            {
                                "patient_id": patient_id,
                                "client_id": _uuid(rng),
                                "routine": item.routine,
                                "day": day,
                                "slot": slot,
                                "plan_item_id": item.item_id,
                                "recorded_at": at,
                                "glasses": 1 if item.routine == Routine.WATER else None,
                            }
                        )
                if rng.random() < records:
                    had = rng.random() < cramp_rate
                    moment = local_datetime(day + timedelta(days=1), time(3, 10), zone)
                    if had:
                        cramps.append(
                            {
                                "patient_id": patient_id,
                                "client_id": _uuid(rng),
                                "occurred_at": moment,
                                "zone": ZONE,
                                "sites": ["toes"],
                                "severity": rng.randint(2, 9),
                                "symptoms": [],
                                "note": "",
                                "created_fingerprint": "scale",
                                "created_at": moment,
                                "updated_at": moment,
                            }
                        )
                    answered = local_datetime(day + timedelta(days=1), time(7, 30), zone)
                    checkins.append(
                        {
                            "patient_id": patient_id,
                            "client_id": _uuid(rng),
                            "night_of": day,
                            "had_cramps": had,
                            "zone": ZONE,
                            "created_fingerprint": "scale",
                            "answered_at": answered,
                            "updated_at": answered,
                        }
                    )
            if len(completions) >= CHUNK:
                _flush(conn, Completion, completions)
            if len(cramps) >= CHUNK:
                _flush(conn, CrampEvent, cramps)
            if len(checkins) >= CHUNK:
                _flush(conn, MorningCheckIn, checkins)
        for table, rows in (
            (Completion, completions),
            (CrampEvent, cramps),
            (MorningCheckIn, checkins),
            (CareLink, links),
        ):
            _flush(conn, table, rows)
    return ScaleClinic(
        practitioner_emails={size: f"{prefix}caseload{size}@scale.example" for size in sizes},
        patients=patients,
        days=days,
    )
