"""The enterprise portal's own pages (/qiye/, docs/enterprise-portal.md): home, 整改建议 (read, accept or
decline with a reply, report implemented), 我的纠纷 (read-only, masked, the public timeline) with
申请纠纷化解, and 服务评价. Every page is a `portal_view`: `request.enterprise` is the user's enterprise and
every read starts from it, so another enterprise's record is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pingan.accounts.access import sees_business_data, signed_in_user
from pingan.core.errors import ApplicationError
from pingan.core.forms import add_service_errors
from pingan.core.masking import mask_name

from . import outcome_selectors as sel
from . import outcome_services as svc
from .choices import GuardRole, SuggestionStatus
from .outcome_forms import SERVICE_ERROR_ALIASES, AcceptForm, DeclineForm, DisputeHelpForm, ImplementForm, RatingForm
from .outcome_views import action_call
from .portal import PortalLink, is_enterprise_user, portal_view, register_portal_link

S = SuggestionStatus
PORTAL_ACTIONS = {
    "accept": (AcceptForm, {S.ISSUED}, gettext_lazy("采纳")),
    "decline": (DeclineForm, {S.ISSUED}, gettext_lazy("不采纳")),
    "implement": (ImplementForm, {S.ACCEPTED}, gettext_lazy("报告已落实")),
}


def register_links() -> None:
    """The portal's menu entries of these pages (called from LawguardConfig.ready)."""
    for link in (
        PortalLink("home", gettext_lazy("首页"), "portal-home", 0),
        PortalLink("suggestions", gettext_lazy("整改建议"), "portal-suggestion-list", 30),
        PortalLink("disputes", gettext_lazy("我的纠纷"), "portal-dispute-list", 40),
        PortalLink("ratings", gettext_lazy("服务评价"), "portal-rating-list", 50),
    ):
        register_portal_link(link)


def guards_masked(enterprise: Any) -> list[dict[str, str]]:
    """The enterprise's current 三官一律: role, name masked, unit shown."""
    labels = dict(GuardRole.choices)
    return [
        {"role": str(labels.get(g.role, g.role)), "name": mask_name(g.person_name), "unit": g.unit}
        for g in enterprise.guard_assignments.filter(ended_on__isnull=True).order_by("role")
    ]


def todo(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The home's "what to do" list: (text, url)."""
    items = []
    if summary["to_answer"]:
        items.append((_("有 %(n)s 条整改建议待答复") % {"n": summary["to_answer"]}, reverse("portal-suggestion-list")))
    if summary["to_implement"]:
        items.append(
            (_("有 %(n)s 条已采纳的建议待报告落实") % {"n": summary["to_implement"]}, reverse("portal-suggestion-list"))
        )
    if summary["to_rate"]:
        items.append((_("有 %(n)s 项已办结的服务待评价") % {"n": summary["to_rate"]}, reverse("portal-rating-list")))
    return items


@portal_view
def home(request: HttpRequest) -> HttpResponse:
    enterprise = request.enterprise  # type: ignore[attr-defined]
    summary = sel.portal_summary(enterprise)
    station = enterprise.workstation
    context = {
        "enterprise": enterprise,
        "guards": guards_masked(enterprise),
        "station": station,
        "summary": summary,
        "todo": todo(summary),
    }
    return render(request, "lawguard/portal/home.html", context)


@portal_view
def suggestion_list(request: HttpRequest) -> HttpResponse:
    suggestions = sel.suggestions_of(request.enterprise).order_by("-issued_at", "-id")  # type: ignore[attr-defined]
    return render(request, "lawguard/portal/suggestion_list.html", {"suggestions": suggestions})


def _render_suggestion(request: HttpRequest, suggestion: Any, forms: dict[str, Any] | None = None, status: int = 200):
    forms = forms or {}
    actions = [
        (name, label, forms.get(name) or form_class())
        for name, (form_class, states, label) in PORTAL_ACTIONS.items()
        if suggestion.status in states or name in forms  # a refused action's form, with its error
    ]
    return render(
        request, "lawguard/portal/suggestion_detail.html", {"suggestion": suggestion, "actions": actions}, status=status
    )


def _own_suggestion(request: HttpRequest, suggestion_id: int) -> Any:
    return sel.suggestion_visible_or_404(sel.suggestions_of(request.enterprise), suggestion_id)  # type: ignore[attr-defined]


@portal_view
def suggestion_detail(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    return _render_suggestion(request, _own_suggestion(request, suggestion_id))


@portal_view
@require_POST
def suggestion_answer(request: HttpRequest, suggestion_id: int, action: str) -> HttpResponse:
    suggestion = _own_suggestion(request, suggestion_id)
    if action not in PORTAL_ACTIONS:
        raise Http404
    form = PORTAL_ACTIONS[action][0](request.POST)
    status = 400
    if form.is_valid():
        try:
            action_call(action, actor=signed_in_user(request), suggestion=suggestion, data=form.cleaned_data)
        except ApplicationError as exc:
            add_service_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("已提交"))
            return redirect("portal-suggestion-detail", suggestion_id=suggestion.pk)
    suggestion.refresh_from_db()
    return _render_suggestion(request, suggestion, {action: form}, status)


@portal_view
def dispute_list(request: HttpRequest) -> HttpResponse:
    disputes = sel.disputes_of(request.enterprise)  # type: ignore[attr-defined]
    return render(request, "lawguard/portal/dispute_list.html", {"disputes": disputes})


@portal_view
def dispute_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = sel.enterprise_case_or_404(request.enterprise, case_id, "dispute")  # type: ignore[attr-defined]
    events = sel.public_timeline(case)
    return render(request, "lawguard/portal/dispute_detail.html", {"case": case, "events": events})


@portal_view
def dispute_new(request: HttpRequest) -> HttpResponse:
    """申请纠纷化解: registered through the workstation's intake account."""
    form = DisputeHelpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                case = svc.dispute_help_open(
                    actor=signed_in_user(request),
                    enterprise=request.enterprise,  # type: ignore[attr-defined]
                    **form.service_kwargs(),
                )
            except ApplicationError as exc:
                add_service_errors(form, exc, aliases=SERVICE_ERROR_ALIASES)
                status = exc.status_code
            else:
                messages.success(request, _("已提交纠纷化解申请,编号 %(number)s") % {"number": case.number})
                return redirect("portal-dispute-detail", case_id=case.pk)
    return render(request, "lawguard/portal/dispute_new.html", {"form": form}, status=status)


@portal_view
def rating_list(request: HttpRequest) -> HttpResponse:
    enterprise = request.enterprise  # type: ignore[attr-defined]
    context = {
        "to_rate": list(sel.ratable_cases(enterprise)),
        "ratings": list(sel.ratings_of(enterprise)),
        "form": RatingForm(),
    }
    return render(request, "lawguard/portal/rating_list.html", context)


@portal_view
@require_POST
def rate(request: HttpRequest, case_id: int) -> HttpResponse:
    enterprise = request.enterprise  # type: ignore[attr-defined]
    case = sel.enterprise_case_or_404(enterprise, case_id)
    form = RatingForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            svc.service_rate(actor=signed_in_user(request), enterprise=enterprise, case=case, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("感谢您的评价"))
            return redirect("portal-rating-list")
    context = {
        "to_rate": list(sel.ratable_cases(enterprise)),
        "ratings": list(sel.ratings_of(enterprise)),
        "form": RatingForm(),
        "error_case": case,
        "error_form": form,
    }
    return render(request, "lawguard/portal/rating_list.html", context, status=status)


class PortalLandingMiddleware:
    """Sends an enterprise user (no business post, an enterprise account) who lands on the staff workbench
    — after signing in, LOGIN_REDIRECT_URL — to the portal's home instead. Put before AccessMiddleware."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        match = request.resolver_match
        user = getattr(request, "user", None)
        if (
            match is not None
            and match.url_name == "workbench"
            and user is not None
            and user.is_authenticated
            and not sees_business_data(user)
            and is_enterprise_user(user)
        ):
            return redirect("portal-home")
        return None
