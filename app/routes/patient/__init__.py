"""Pages for patients, under /patient. Only a signed-in patient gets past the router."""

from fastapi import APIRouter, Depends

from app.deps import get_patient
from app.routes.patient import diary, settings, tonight

router = APIRouter(prefix="/patient", dependencies=[Depends(get_patient)])
router.include_router(tonight.router)
router.include_router(settings.router)
router.include_router(diary.router)
