"""Pages for patients, under /patient. Only a signed-in patient gets past the router,
and only once onboarded: consent first, then the intake questionnaire (issue 10).
Add a page to ``router`` and it is gated; nothing of a patient's health may be stored
before consent (tests/routes/test_consent_gate.py walks every route to check)."""

from fastapi import APIRouter, Depends

from app.deps import get_patient, require_onboarded
from app.routes.patient import (
    app_settings,
    diary,
    guidance,
    onboarding,
    rights,
    settings,
    tonight,
)

router = APIRouter(
    prefix="/patient",
    dependencies=[
        Depends(get_patient),
        Depends(app_settings.apply_theme),
        Depends(require_onboarded),
    ],
)
router.include_router(tonight.router)
router.include_router(settings.router)
router.include_router(diary.router)
router.include_router(app_settings.router)
router.include_router(guidance.router)

# Reachable before consent and after it is withdrawn: the consent step itself, the
# questionnaire (its service checks consent), and the patient's rights over their data.
onboarding_router = APIRouter(
    prefix="/patient", dependencies=[Depends(get_patient), Depends(app_settings.apply_theme)]
)
onboarding_router.include_router(onboarding.router)
onboarding_router.include_router(rights.router)
