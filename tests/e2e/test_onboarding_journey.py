"""A new patient consents, answers the questionnaire (diabetes, cramps in the calf) and
sees the calm "see a doctor" banner; their practitioner sees the badge. Real browser."""

from __future__ import annotations

import pytest

from app.services.accounts import link_care
from tests import factories
from tests.e2e.fixtures import screenshot
from tests.e2e.test_sign_in_journey import sign_in_in_browser

pytestmark = pytest.mark.browser


def chip(page, name: str, value: str):
    return page.locator(f"label.chip:has(input[name={name}][value='{value}'])")


def test_new_patient_consents_reports_diabetes_and_calf_cramps_and_is_guided(live_server, phone):
    with live_server.session() as db:
        passwords = live_server.app.state.passwords
        now = live_server.clock()
        patient = factories.make_patient(db, passwords, now=now, consented=False, name="高橋 美和")
        practitioner = factories.make_practitioner(db, passwords, now=now, name="木村 亮")
        link_care(db, practitioner_id=practitioner.id, patient_id=patient.id, now=now)
    base = live_server.url

    sign_in_in_browser(phone, base, patient.email)
    phone.wait_for_url(f"{base}/patient/consent?required=1")
    agree = phone.locator("#field-agree")
    assert not agree.is_checked()
    # Agreeing without ticking is refused, in Japanese, and nothing moves on.
    phone.locator("#give-consent").click()
    assert phone.locator("#error-agree").is_visible()
    phone.js_errors.clear()  # the browser logs the deliberate 422 as a failed load
    phone.locator("#field-agree").check()
    screenshot(phone, "consent-390x844")
    phone.locator("#give-consent").click()

    phone.wait_for_url(f"{base}/patient/intake")
    chip(phone, "situations", "asleep").click()
    phone.locator("#field-frequency_count").fill("2")
    chip(phone, "frequency_unit", "week").click()
    chip(phone, "side", "left").click()
    chip(phone, "sites", "toes").click()
    chip(phone, "sites", "calf").click()
    chip(phone, "history", "diabetes").click()
    chip(phone, "age_band", "60s").click()
    chip(phone, "daily_life", "a_little").click()
    screenshot(phone, "intake-390x844")
    phone.locator("#save-intake").click()

    phone.wait_for_url(f"{base}/patient/")
    banner = phone.locator("#guidance-banner")
    assert banner.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "guidance-banner-390x844")
    phone.locator("#guidance-open").click()
    phone.wait_for_url(f"{base}/patient/guidance")
    assert phone.locator("#flag-spreading").is_visible()
    assert phone.locator("#flag-history").is_visible()
    assert "糖尿病" in phone.locator("#flag-history").inner_text()
    assert "整形外科" in phone.locator("#where-to-go").inner_text()
    screenshot(phone, "guidance-390x844")
    assert phone.js_errors == []

    phone.context.clear_cookies()
    sign_in_in_browser(phone, base, practitioner.email)
    phone.wait_for_url(f"{base}/practitioner")
    row = phone.locator(f"tr[data-patient='{patient.id}']")
    assert row.locator(
        ".badge--danger", has_text="医師に伝えておきたい既往歴がある"
    ).first.is_visible()
    row.get_by_role("link", name="高橋 美和").click()
    phone.wait_for_url(f"{base}/practitioner/patients/{patient.id}")
    assert phone.locator("#pflag-history").is_visible()
    assert phone.js_errors == []
