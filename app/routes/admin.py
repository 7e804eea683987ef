"""Pages for the clinic admin, under /admin."""

from fastapi import APIRouter, Depends, Request

from app.db import SessionDep
from app.deps import require_role
from app.models import Role
from app.services import accounts
from app.templating import render

router = APIRouter(prefix="/admin", dependencies=[Depends(require_role(Role.ADMIN))])


@router.get("", name="admin.home")
def show_people(request: Request, session: SessionDep):
    return render(request, "admin/home.html", {"people": accounts.all_people(session)})
