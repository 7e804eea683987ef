"""The versioned JSON API under /api/v1/, for the offline queue and exports.

It uses the same session cookie as the pages; unsafe requests send the CSRF token
in the ``X-CSRFToken`` header. No session answers 401 JSON. Every error has one
shape (app.errors.api_error_body).
"""

from fastapi import APIRouter, Depends

from app.deps import require_consent_to_store
from app.routes.api import batch, completions, diary, me, push
from app.routes.api.entries import ErrorOut

# Every request needs a signed-in user (the consent gate names CurrentUser), and a
# patient's unsafe request stores health data: it needs their consent (issue 10).
router = APIRouter(
    prefix="/api/v1",
    dependencies=[Depends(require_consent_to_store)],
    responses={
        400: {"model": ErrorOut, "description": "The body could not be read (not UTF-8)."},
        401: {"model": ErrorOut, "description": "Not signed in."},
        403: {
            "model": ErrorOut,
            "description": "Not for this kind of account, or (body names "
            "`missing_consent`) a patient who has not consented to storing health data.",
        },
        413: {"model": ErrorOut, "description": "The body is larger than the server accepts."},
        422: {
            "model": ErrorOut,
            "description": "A parameter or field is wrong (also: text containing U+0000); "
            "a translated message per field.",
        },
    },
)
router.include_router(me.router)
router.include_router(diary.router)
router.include_router(completions.router)
router.include_router(batch.router)
router.include_router(push.router)
