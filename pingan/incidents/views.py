"""The phone reporting page (事件上报, /report/): one screen a grid worker fills in under a minute.

The page is an installable web app: its manifest and service worker (served from /report/ so that its
scope is the page) keep the page shell for a weak signal, and the page's script keeps the unsent
draft — photos included — on the phone until it has been received. It sends through the incident API
(`POST /api/v1/incidents/`), the one path every client shares."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pingan.accounts.access import requires, signed_in_user
from pingan.cases.choices import Urgency
from pingan.cases.services import can_register
from pingan.geo.selectors import grids_of_user

from . import selectors
from .choices import default_urgency

SERVICE_WORKER = "incidents/sw.js"
PICK_LIMIT = 500
RECENT_LIMIT = 10  # "我最近上报的事件": the page adds each report it sends, keeping this many


@requires(can_register, gettext_lazy("您的岗位不能上报事件"))
@login_required
@never_cache
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    categories = [(category, default_urgency(category.code)) for category in selectors.report_categories()]
    own = list(grids_of_user(user).select_related("parent").order_by("code"))
    own_codes = {grid.code for grid in own}
    # A list to pick from by hand is only useful while it is short; above that, the position decides.
    others = [grid for grid in selectors.report_grids(user=user)[: PICK_LIMIT + 1] if grid.code not in own_codes]
    if len(others) > PICK_LIMIT:
        others = []
    context = {
        "categories": categories,
        "urgencies": Urgency.choices,
        "own_grids": own,
        "other_grids": others,
        "recent": selectors.my_reports(user=user, limit=RECENT_LIMIT),
        "recent_limit": RECENT_LIMIT,
    }
    return render(request, "incidents/report.html", context)


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, a static file served under /report/ so that it may control the page there."""
    path = finders.find(SERVICE_WORKER)
    if path is None:
        raise Http404(SERVICE_WORKER)
    response = HttpResponse(Path(path).read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the browser checks for a new worker on every visit
    response["Service-Worker-Allowed"] = "/report/"
    return response
