"""The versioned JSON API under /api/v1/, for the offline queue and exports.

It uses the same session cookie as the pages; unsafe requests send the CSRF token
in the ``X-CSRFToken`` header. No session answers 401 JSON.
"""

from fastapi import APIRouter, Depends

from app.deps import get_current_user
from app.routes.api import completions, diary, me

router = APIRouter(prefix="/api/v1", dependencies=[Depends(get_current_user)])
router.include_router(me.router)
router.include_router(diary.router)
router.include_router(completions.router)
