"""The cramp diary's pages (issue 4), under /patient/diary."""

from fastapi import APIRouter

from app.routes.patient.diary import checkin, cramps, reading

router = APIRouter()
router.include_router(cramps.router)
router.include_router(checkin.router)
router.include_router(reading.router)
