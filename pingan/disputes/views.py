"""The dispute kind's own pages: the 调解协议书 download (the rest of a dispute lives on the engine's
case pages, with the panels this kind registers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from pingan.accounts.access import signed_in_user
from pingan.cases import selectors
from pingan.core.errors import ApplicationError

from .services import agreement_download

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def case_agreement(request: HttpRequest, case_id: int) -> HttpResponse:
    """调解协议书 (DOCX) of a successful mediation, for those who may see the parties in full."""
    user = signed_in_user(request)
    case = selectors.case_visible_or_404(selectors.case_list(user=user), case_id)
    try:
        filename, content = agreement_download(case=case, actor=user)
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from None
        raise Http404(exc.message) from None
    return HttpResponse(
        content,
        content_type=DOCX,
        headers={
            "Content-Disposition": content_disposition_header(True, filename),
            "Cache-Control": "private, no-store",
        },
    )
