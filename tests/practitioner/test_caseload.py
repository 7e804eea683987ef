"""The caseload dashboard: figures that agree with the adherence rule, a fixed number
of queries however many patients, sorting, search and the needs-attention filter."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from app.demo import scale
from app.domain import caseload as rules
from app.domain.adherence import adherence
from app.domain.catalogue import Routine, default_plan
from app.domain.cramps import Site
from app.domain.red_flags import FLAG_TITLES, FlagId
from app.domain.schedule import Frequency
from app.models import AuditAction, AuditEvent, User
from app.services import caseload, plan, red_flags
from app.services.accounts import link_care
from app.services.habits import done_counts
from tests.conftest import html, sign_in
from tests.diary_helpers import add_cramp, tokyo
from tests.factories import NOW, PASSWORD
from tests.statements import page_statements


def _clinic(app, passwords, patients: int, days: int = 45):
    return scale.build(
        app.state.engine,
        password_hash=passwords.hash(PASSWORD),
        patients=patients,
        days=days,
        now=NOW,
    )


def _practitioner(session, clinic) -> User:
    email = clinic.practitioner_emails[clinic.patients]
    user = session.exec(select(User).where(User.email == email)).one()
    session.commit()  # end the test's transaction, so the app under test can write
    return user


# --- the rule ------------------------------------------------------------------


def _done_log(days: dict[date, tuple[int, int]]):
    log: dict[str, dict[date, int]] = defaultdict(dict)
    for day, (mask, glasses) in days.items():
        for routine, bit in caseload.ROUTINE_BITS.items():
            if mask & bit:
                log[routine][day] = 1
        if glasses:
            log[Routine.WATER.value][day] = glasses
    return log


def test_window_adherence_agrees_with_the_adherence_rule_across_plan_changes():
    joined = date(2026, 9, 3)  # a Thursday
    versions = default_plan(joined)
    change = date(2026, 10, 15)
    by_routine = {v.routine: v for v in versions}
    versions += [
        by_routine[Routine.CALF_STRETCH].replace(effective_from=change, enabled=True),
        by_routine[Routine.DESK_BREAK].replace(
            effective_from=change, enabled=True, frequency=Frequency.on(1, 3, 5)
        ),
        by_routine[Routine.WALK].replace(effective_from=change, frequency=Frequency.per_week(3, 4)),
        by_routine[Routine.FOOT_BATH].replace(effective_from=date(2026, 10, 20), enabled=False),
    ]
    days: dict[date, tuple[int, int]] = {}
    for offset in range(80):
        day = joined + timedelta(days=offset)
        mask = 0
        for index, routine in enumerate(caseload.ROUTINE_BITS):
            if (offset * 7 + index * 3) % 5 < 3:
                mask |= caseload.ROUTINE_BITS[routine]
        days[day] = (mask, offset % 9)
    slim = [rules.slim(v) for v in versions]
    log = _done_log(days)
    for start, end in [
        (date(2026, 9, 1), date(2026, 9, 30)),
        (date(2026, 10, 10), date(2026, 10, 16)),
        (date(2026, 10, 1), date(2026, 10, 30)),
        (date(2026, 10, 19), date(2026, 11, 17)),
    ]:
        expected = adherence(versions, log, start=start, end=end).ratio
        (got,) = rules.window_adherence(
            slim, days, windows=[(start, end)], bits=caseload.ROUTINE_BITS
        )
        assert got == pytest.approx(expected), (start, end)


def test_caseload_adherence_matches_each_patients_own_history(app, session, passwords, clock):
    clinic = _clinic(app, passwords, patients=10, days=90)
    practitioner = _practitioner(session, clinic)
    view = caseload.caseload(session, actor=practitioner, now=clock())
    yesterday = date(2026, 11, 23)
    for row in view.rows:
        versions = plan.plan_versions(session, patient_id=row.patient_id)
        log = done_counts(session, patient_id=row.patient_id, start=date(2026, 1, 1), end=yesterday)
        for days, figure in ((7, row.adherence_7), (30, row.adherence_30)):
            start = yesterday - timedelta(days=days - 1)
            ratio = adherence(versions, log, start=start, end=yesterday).ratio
            assert figure == round(ratio * 100)


# --- the page -------------------------------------------------------------------


def test_the_dashboard_makes_the_same_few_queries_for_3_or_30_patients(
    app, session, passwords, client
):
    small = _clinic(app, passwords, patients=3)
    sign_in(client, _practitioner(session, small))
    few = len(page_statements(app, client, "/practitioner"))
    client.cookies.clear()
    large = scale.build(
        app.state.engine,
        password_hash=passwords.hash(PASSWORD),
        patients=30,
        days=45,
        now=NOW,
        prefix="b",
    )
    sign_in(client, _practitioner(session, large))
    many = len(page_statements(app, client, "/practitioner"))
    assert few == many
    assert many <= 20


def test_the_dashboard_lists_only_own_patients_with_their_figures(
    app, session, passwords, client, practitioner, patient, other_patient
):
    link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=NOW)
    add_cramp(session, patient, tokyo(2026, 11, 24, 3), severity=6)
    sign_in(client, practitioner)
    page = html(client.get("/practitioner"))
    rows = page.select("table.caseload tbody tr")
    assert [r.select_one("th a").get_text(strip=True) for r in rows] == [patient.name]
    cells = [td.get_text(" ", strip=True) for td in rows[0].select("td")]
    assert cells[3].startswith("1 / 0")  # one cramp night this week, none the week before
    # The view of the caseload is in the audit trail.
    session.commit()
    actions = session.exec(select(AuditEvent.action)).all()
    assert AuditAction.VIEW_CASELOAD in actions


def test_sort_search_and_needs_attention(app, session, passwords, client):
    clinic = _clinic(app, passwords, patients=12)
    sign_in(client, _practitioner(session, clinic))

    def names(url):
        return [
            a.get_text(strip=True)
            for a in html(client.get(url)).select("table.caseload tbody th a")
        ]

    by_name = names("/practitioner?sort=name")
    assert by_name == sorted(by_name)
    assert names("/practitioner?sort=name&desc=1") == list(reversed(by_name))
    adherence_desc = html(client.get("/practitioner?sort=adherence_7&desc=1"))
    figures = [
        int(td.get_text(strip=True).rstrip("%"))
        for td in adherence_desc.select("table.caseload tbody tr td:nth-of-type(2)")
        if td.get_text(strip=True) != "—"
    ]
    assert figures == sorted(figures, reverse=True)
    target = by_name[4]
    assert names(f"/practitioner?q={target.split()[-1]}") == [target]
    attention = html(client.get("/practitioner?attention=1"))
    flagged = attention.select("table.caseload tbody tr")
    assert flagged
    assert all("caseload__row--attention" in row["class"] for row in flagged)
    # The lapsed patients (every ninth, silent for days) are among them.
    assert any("badge--warn" in str(row) for row in flagged)
    # An unknown sort key falls back to names, not an error.
    assert client.get("/practitioner?sort=nonsense").status_code == 200


def test_sorting_and_paging_keep_the_search_and_the_filter(app, session, passwords, client):
    clinic = _clinic(app, passwords, patients=caseload.PAGE_SIZE + 20, days=3)
    sign_in(client, _practitioner(session, clinic))

    def query(link) -> dict[str, list[str]]:
        return parse_qs(urlsplit(link["href"]).query)

    def header(page, key: str):
        return next(a for a in page.select("table.caseload thead a") if f"sort={key}" in a["href"])

    filtered = html(client.get("/practitioner?q=0&attention=1&sort=name&desc=1"))
    # Another column: ascending, the search and the filter kept.
    assert query(header(filtered, "adherence_7")) == {
        "sort": ["adherence_7"], "q": ["0"], "attention": ["1"]
    }  # fmt: skip
    # The column sorted by now: the other way round.
    assert query(header(filtered, "name")) == {"sort": ["name"], "q": ["0"], "attention": ["1"]}

    # The demo names end in a three-digit number: "0" is in 111 of the 120.
    first = html(client.get("/practitioner?q=0&sort=name&desc=1"))
    following = first.select_one("nav.caseload-pages a[rel=next]")
    assert query(following) == {"sort": ["name"], "desc": ["1"], "q": ["0"], "page": ["2"]}
    second = html(client.get(following["href"]))
    assert len(second.select("table.caseload tbody tr")) == 11
    back = second.select_one("nav.caseload-pages a[rel=prev]")
    assert query(back) == {"sort": ["name"], "desc": ["1"], "q": ["0"]}


def test_the_table_is_its_own_htmx_fragment(app, session, passwords, client):
    from tests.conftest import htmx_headers

    clinic = _clinic(app, passwords, patients=2)
    sign_in(client, _practitioner(session, clinic))
    response = client.get("/practitioner?sort=last_activity", headers=htmx_headers(client))
    fragment = html(response)
    assert fragment.select_one("section#caseload")
    assert not fragment.select("h1")
    assert "HX-Request" in response.headers["vary"]  # (and Accept-Encoding: gzip)


def test_a_red_flag_shows_as_a_badge_until_a_practitioner_reviews_it(
    session, practitioner, patient, clock
):
    link_care(session, practitioner_id=practitioner.id, patient_id=patient.id, now=NOW)
    add_cramp(session, patient, tokyo(2026, 11, 22, 3), sites={Site.CALF}, severity=5)
    attention = caseload.CaseloadQuery(attention_only=True)

    view = caseload.caseload(session, actor=practitioner, now=clock(), query=attention)
    assert [row.red_flags for row in view.rows] == [(FLAG_TITLES[FlagId.SPREADING],)]
    assert rules.Attention.RED_FLAG in view.rows[0].attention
    # The review is a change to the patient's records: the stored row gives way.
    red_flags.review_flag(
        session,
        actor=practitioner,
        patient_id=patient.id,
        flag_id=FlagId.SPREADING.value,
        note="",
        now=clock(),
    )
    view = caseload.caseload(session, actor=practitioner, now=clock())
    assert [row.red_flags for row in view.rows] == [()]


def test_a_large_caseload_comes_in_pages_sorted_across_all_of_them(app, session, passwords, client):
    clinic = _clinic(app, passwords, patients=caseload.PAGE_SIZE + 20, days=3)
    sign_in(client, _practitioner(session, clinic))

    def page(url):
        found = html(client.get(url))
        names = [a.get_text(strip=True) for a in found.select("table.caseload tbody th a")]
        return found, names

    first, first_names = page("/practitioner?sort=name&desc=1")
    second, second_names = page("/practitioner?sort=name&desc=1&page=2")
    assert len(first_names) == caseload.PAGE_SIZE
    assert len(second_names) == 20
    assert first_names + second_names == sorted(first_names + second_names, reverse=True)
    assert "120人中 1〜100人目" in first.select_one("nav.caseload-pages").get_text()
    following = first.select_one("nav.caseload-pages a[rel=next]")["href"]
    assert {"sort=name", "desc=1", "page=2"} <= set(following.split("?")[1].split("&"))
    assert second.select_one("nav.caseload-pages a[rel=prev]")
    assert not second.select_one("nav.caseload-pages a[rel=next]")
    # A page past the end shows the last one; nonsense shows the first.
    assert page("/practitioner?sort=name&desc=1&page=9")[1] == second_names
    assert page("/practitioner?sort=name&desc=1&page=x")[1] == first_names
    # The export still has every patient.
    csv = client.get("/practitioner/export.csv")
    assert csv.status_code == 200
    assert csv.text.count("\n") > caseload.PAGE_SIZE + 20
