"""Who the session belongs to: lets the offline queue check it can still send."""

from fastapi import APIRouter
from pydantic import BaseModel

from app.deps import CurrentUser
from app.models import Role

router = APIRouter(tags=["account"])


class Me(BaseModel):
    id: int
    name: str
    role: Role
    locale: str | None


@router.get("/me", name="api.me", response_model=Me)
def read_me(user: CurrentUser) -> Me:
    return Me(id=user.id, name=user.name, role=user.role, locale=user.locale)
