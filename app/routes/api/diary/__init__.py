"""The diary's JSON API: cramps and morning check-ins, for the offline queue and exports.

Creating takes a client-generated UUID. Sending the same UUID and body again answers
200 with the stored entry and stores nothing; the same UUID with another body is
refused with 409. Mistakes answer 422 with a translated message per field. Only
patients get past the router.
"""

from fastapi import APIRouter, Depends

from app.deps import get_patient
from app.routes.api.diary import checkins, cramps

router = APIRouter(tags=["diary"], dependencies=[Depends(get_patient)])
router.include_router(cramps.router)
router.include_router(checkins.router)
