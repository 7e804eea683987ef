"""/api/docs: the API's reference, with Swagger UI served from static/ so that it
works under the site's Content-Security-Policy (FastAPI's own page loads it from a
CDN and runs an inline script, both of which the policy refuses)."""

from fastapi import APIRouter, Request

from app.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/api/docs", name="api.docs")
def show_api_docs(request: Request):
    return render(request, "api/docs.html", {"openapi_url": request.app.openapi_url})
