"""Demo people: an admin, two practitioners and a dozen patients with varied lives.

Each patient carries a ``persona`` that later seeders use to shape their history
(the improver, the patient who rarely records, the one whose cramps spread).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlmodel import Session

from app.models import Role, User
from app.security import Passwords
from app.services import accounts

DEMO_PASSWORD = "tsuranai-demo"  # noqa: S105 - printed on purpose for the demo clinic
DOMAIN = "demo.tsuranai.jp"


@dataclass(frozen=True)
class PatientSpec:
    key: str
    name: str
    persona: str
    practitioner: int
    bedtime: time = time(23, 0)
    wake_time: time = time(7, 0)
    time_zone: str = "Asia/Tokyo"
    locale: str | None = "ja"


PRACTITIONER_KEYS = {"kimura": "木村 亮 (柔道整復師)", "mori": "森 千尋 (鍼灸師)"}

# Personas, for the seeders that write history:
#   improving     - cramps fall as the evening routine becomes a habit
#   rare-recorder - opens the app now and then; many nights without a record
#   spreading     - daytime cramps, reaching the calf: a case for a doctor
#   steady        - follows the plan most evenings, occasional cramps
#   night-owl     - bedtime after midnight
#   early-riser   - early to bed, early to rise
#   lapsed        - started well, then stopped
#   new           - joined a few days ago
PATIENTS = (
    PatientSpec("sato", "佐藤 花子", "improving", 0),
    PatientSpec("suzuki", "鈴木 一郎", "rare-recorder", 0, time(23, 30), time(6, 30)),
    PatientSpec("takahashi", "高橋 美和", "spreading", 0, time(22, 30), time(6, 0)),
    PatientSpec("tanaka", "田中 健", "steady", 0, time(0, 30), time(7, 30)),
    PatientSpec("ito", "伊藤 さくら", "night-owl", 0, time(1, 0), time(8, 30)),
    PatientSpec("watanabe", "渡辺 大輔", "early-riser", 0, time(21, 30), time(5, 0)),
    PatientSpec("yamamoto", "山本 恵子", "lapsed", 1),
    PatientSpec("nakamura", "中村 翔", "steady", 1, time(23, 0), time(6, 45)),
    PatientSpec("kobayashi", "小林 由美", "improving", 1, time(22, 45), time(6, 30)),
    PatientSpec("kato", "加藤 誠", "rare-recorder", 1, time(0, 0), time(7, 0)),
    PatientSpec("yoshida", "吉田 直子", "new", 1, time(23, 15), time(7, 15)),
    PatientSpec("emma", "Emma Clarke", "steady", 1, time(23, 0), time(7, 0), "Asia/Tokyo", "en"),
)


@dataclass
class DemoClinic:
    admin: User
    practitioners: list[User]
    patients: list[User]
    specs: dict[int, PatientSpec] = field(default_factory=dict)

    def persona_of(self, patient: User) -> str:
        return self.specs[patient.id].persona


def create_people(session: Session, *, passwords: Passwords, now: datetime) -> DemoClinic:
    def make(
        email: str,
        name: str,
        role: Role,
        locale: str | None = "ja",
        patient: accounts.NewPatient | None = None,
    ) -> User:
        return accounts.create_user(
            session,
            passwords=passwords,
            email=f"{email}@{DOMAIN}",
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            locale=locale,
            patient=patient,
            now=now,
        )

    admin = make("admin", "受付 管理者", Role.ADMIN)
    practitioners = [make(key, name, Role.PRACTITIONER) for key, name in PRACTITIONER_KEYS.items()]
    clinic = DemoClinic(admin=admin, practitioners=practitioners, patients=[])
    for spec in PATIENTS:
        patient = make(
            spec.key,
            spec.name,
            Role.PATIENT,
            spec.locale,
            accounts.NewPatient(
                time_zone=spec.time_zone, bedtime=spec.bedtime, wake_time=spec.wake_time
            ),
        )
        accounts.link_care(
            session,
            practitioner_id=practitioners[spec.practitioner].id,
            patient_id=patient.id,
            now=now,
        )
        clinic.patients.append(patient)
        clinic.specs[patient.id] = spec
    return clinic


def logins() -> list[tuple[str, str]]:
    """(who, e-mail) pairs to print for whoever starts the demo."""
    rows = [("admin", f"admin@{DOMAIN}")]
    rows += [("practitioner", f"{key}@{DOMAIN}") for key in PRACTITIONER_KEYS]
    rows += [(f"patient ({spec.persona})", f"{spec.key}@{DOMAIN}") for spec in PATIENTS]
    return rows
