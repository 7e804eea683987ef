"""What staff routers share."""

from fastapi import Request


async def audited_reads(request: Request) -> None:
    """Staff pages record every view of a patient's data in the audit trail, so their
    GETs write too. List this *before* the role check in a router's dependencies:
    the session is made while the role is checked, and must already be a writer."""
    request.state.audited = True
