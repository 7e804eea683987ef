"""Pages for practitioners, under /practitioner. Only a signed-in practitioner gets
past the router; every page that takes a patient goes through access.patient_for."""

from fastapi import APIRouter, Depends

from app.deps import get_practitioner
from app.routes.practitioner import caseload, exports, flags, invites, patients, plan
from app.routes.staff import audited_reads

PREFIX = "/practitioner"

router = APIRouter(dependencies=[Depends(audited_reads), Depends(get_practitioner)])
for module in (caseload, patients, plan, invites, exports, flags):
    router.include_router(module.router, prefix=PREFIX)
