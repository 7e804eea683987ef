"""The admin's copy of a patient's data for a disclosure request (APPI), under /admin.

Its own router because the export writes an audit row: ``audited_reads`` must come
before the role check so the GET gets a writing session (app/routes/staff.py)."""

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from app.db import SessionDep
from app.deps import CurrentUser, NowDep, require_role
from app.models import Role
from app.routes.params import EntityId
from app.routes.staff import audited_reads
from app.services import rights

router = APIRouter(
    prefix="/admin", dependencies=[Depends(audited_reads), Depends(require_role(Role.ADMIN))]
)


@router.get("/patients/{patient_id}/export.zip", name="admin.export_patient")
def export_patient(session: SessionDep, admin: CurrentUser, now: NowDep, patient_id: EntityId):
    filename, body = rights.export_zip(session, actor=admin, patient_id=patient_id, now=now)
    return Response(
        body,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
