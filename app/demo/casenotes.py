"""Demo clinic side: each practitioner's notes on their patients, a goal and the next
visit, shaped by persona so the dashboard tells the patients' stories."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from app.demo.accounts import DemoClinic
from app.models import CareCourse, PracticeNote

NOTES = {
    "improving": [
        (40, "初診。就寝中に右足の指がつる。足湯と指のストレッチから開始。", False),
        (12, "夜のルーティンが定着。つる夜が週3回から1回に減った。", False),
    ],
    "rare-recorder": [
        (30, "記録が途切れがち。朝のチェックインだけでも続けるよう声かけ。", False),
    ],
    "spreading": [
        (35, "足指から足裏へ。日中もつることがある。", True),
        (6, "ふくらはぎまで広がっている。内科で血液検査（電解質）を勧めた。", True),
    ],
    "steady": [(25, "安定。ウォーキングは週2回を目標に継続。", False)],
    "night-owl": [(20, "就寝が1時過ぎ。就寝前のルーティン時刻を後ろにずらした。", False)],
    "early-riser": [(20, "起床が早いので、起床時のストレッチも追加を検討。", False)],
    "lapsed": [
        (45, "初回。左足の指と足裏。夜の足湯とストレッチを指導。", False),
        (18, "2週目までは毎晩実施。仕事が忙しくなり間隔が空く。", False),
    ],
    "new": [(2, "初診。問診とアプリの使い方を説明。", False)],
}
GOALS = {
    "improving": "つる夜を週1回以下に",
    "spreading": "受診して原因を確かめる",
    "lapsed": "夜のルーティンを再開する",
    "new": "まず2週間、毎晩記録する",
}


def seed(session: Session, clinic: DemoClinic, today: date, rng: random.Random) -> None:
    for patient in clinic.patients:
        spec = clinic.specs[patient.id]
        practitioner = clinic.practitioners[spec.practitioner]
        for days_ago, body, for_referral in NOTES.get(spec.persona, []):
            written = datetime.combine(today - timedelta(days=days_ago), time(10, 30), UTC)
            session.add(
                PracticeNote(
                    patient_id=patient.id,
                    author_id=practitioner.id,
                    author_name=practitioner.name,
                    written_at=written,
                    body=body,
                    for_referral=for_referral,
                )
            )
        if spec.persona in GOALS or rng.random() < 0.5:
            session.add(
                CareCourse(
                    patient_id=patient.id,
                    goal=GOALS.get(spec.persona, "夜中に目が覚めずに眠る"),
                    next_visit=today + timedelta(days=rng.randint(2, 14)),
                    updated_by_id=practitioner.id,
                    updated_at=datetime.combine(today, time(9, 0), UTC),
                )
            )
    session.commit()
