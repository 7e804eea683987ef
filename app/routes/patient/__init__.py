"""Pages for patients, under /patient. Only a signed-in patient gets past the router."""

from fastapi import APIRouter, Depends

from app.deps import get_patient
from app.routes.patient import diary, home

router = APIRouter(prefix="/patient", dependencies=[Depends(get_patient)])
router.include_router(home.router)
router.include_router(diary.router)
