"""Pages for patients, under /patient. Only a signed-in patient gets past the router."""

from fastapi import APIRouter, Depends

from app.deps import get_patient
from app.routes.patient import app_settings, diary, settings, tonight

router = APIRouter(
    prefix="/patient",
    dependencies=[Depends(get_patient), Depends(app_settings.apply_theme)],
)
router.include_router(tonight.router)
router.include_router(settings.router)
router.include_router(diary.router)
router.include_router(app_settings.router)
