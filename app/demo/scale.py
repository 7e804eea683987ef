"""A clinic at scale for the caseload benchmark: many patients with a year of history.

Rows go in with bulk inserts at the driver (no ORM objects, no per-row work by
SQLAlchemy, one password hash shared by every account), so 500 patients with 365
days each (1.2 million completions) take well under a minute on SQLite.
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
_UNSEEN = object()
COMPLETION_COLUMNS = (
    "patient_id", "client_id", "routine", "day", "slot", "plan_item_id", "recorded_at",
    "glasses", "created_fingerprint",
)  # fmt: skip
CRAMP_COLUMNS = (
    "patient_id", "client_id", "occurred_at", "zone", "sites", "severity", "symptoms", "note",
    "created_fingerprint", "created_at", "updated_at",
)  # fmt: skip
CHECKIN_COLUMNS = (
    "patient_id", "client_id", "night_of", "had_cramps", "zone", "created_fingerprint",
    "answered_at", "updated_at",
)  # fmt: skip
ZONE = "Asia/Tokyo"


@dataclass(frozen=True)
class ScaleClinic:
    practitioner_emails: dict[int, str]  # caseload size -> practitioner's e-mail
    patients: int
    days: int


class _Rows:
    """One table's new rows, sent with executemany straight to the driver.

    Each value is put in the form the driver takes by its column type's bind
    processor once per distinct value (days and instants repeat by the thousand);
    client UUIDs are made in that form directly. Through SQLAlchemy's own executemany
    the per-row work took most of the build.
    """

    def __init__(self, conn, table, columns: tuple[str, ...]) -> None:
        dialect = conn.dialect
        quote = dialect.identifier_preparer
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.conn = conn
        names = ", ".join(quote.quote(c) for c in columns)
        marks = ", ".join([mark] * len(columns))
        # Our own table and column names, quoted; the values go as parameters.
        self.sql = f"INSERT INTO {quote.format_table(table)} ({names}) VALUES ({marks})"  # noqa: S608
        # (position, processor, what it gave for each value so far), for the columns
        # whose values the driver does not take as they are.
        self.steps = []
        for index, name in enumerate(columns):
            processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None and name != "client_id":  # client_id: uuid_maker
                self.steps.append((index, processor, {}))
        self.rows: list[tuple] = []

    def add(self, *values) -> None:
        row = list(values)
        for index, processor, seen in self.steps:
            value = row[index]
            key = tuple(value) if isinstance(value, list) else value
            ready = seen.get(key, _UNSEEN)
            if ready is _UNSEEN:
                ready = seen[key] = processor(value)
            row[index] = ready
        self.rows.append(tuple(row))
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.conn.exec_driver_sql(self.sql, self.rows)
            self.rows = []


def uuid_maker(rng: random.Random, dialect):
    """Random version-4 client UUIDs, as the driver stores them for this database."""
    if dialect.supports_native_uuid:
        return lambda: uuid.UUID(int=rng.getrandbits(128), version=4)

    def make_hex():
        # uuid.UUID(int=..., version=4).hex without building the object.
        bits = rng.getrandbits(128)
        bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)
        bits = (bits & ~(0xF000 << 64)) | (4 << 76)
        return f"{bits:032x}"

    return make_hex


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
        new_uuid = uuid_maker(rng, conn.dialect)
        completions = _Rows(conn, Completion.__table__, COMPLETION_COLUMNS)
        cramps = _Rows(conn, CrampEvent.__table__, CRAMP_COLUMNS)
        checkins = _Rows(conn, MorningCheckIn.__table__, CHECKIN_COLUMNS)
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
                    glasses = 1 if item.routine == Routine.WATER else None
                    for slot in range(slots):
                        completions.add(
                            patient_id, new_uuid(), item.routine, day, slot, item.item_id,
                            at, glasses, "",
                        )  # fmt: skip
                if rng.random() < records:
                    had = rng.random() < cramp_rate
                    moment = local_datetime(day + timedelta(days=1), time(3, 10), zone)
                    if had:
                        client_id = new_uuid()
                        cramps.add(
                            patient_id, client_id, moment, ZONE, ["toes"], rng.randint(2, 9),
                            [], "", "scale", moment, moment,
                        )  # fmt: skip
                    answered = local_datetime(day + timedelta(days=1), time(7, 30), zone)
                    checkins.add(
                        patient_id, new_uuid(), day, had, ZONE, "scale", answered, answered
                    )
        for rows in (completions, cramps, checkins):
            rows.flush()
        if links:
            conn.execute(insert(CareLink), links)
    return ScaleClinic(
        practitioner_emails={size: f"{prefix}caseload{size}@scale.example" for size in sizes},
        patients=patients,
        days=days,
    )
