"""The consultation pages: the register (/consultations/, filtered by the one ConsultationFilter the API
shares), the workstation's form, the 12345 operator's form, and the enterprise portal's 我要咨询 / 我的咨询.
A consultation's detail for staff is the engine's case page, with the kind's panels and its actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from pingan.accounts.access import requires, signed_in_user
from pingan.cases.choices import Urgency
from pingan.cases.services import can_register
from pingan.core.errors import ApplicationError, NotFoundError
from pingan.lawguard import services as lg
from pingan.lawguard.portal import portal_view

from . import selectors, services
from .choices import ConsultChannel
from .filters import ConsultationFilter
from .forms import ConsultationForm, HotlineForm, PortalQuestionForm, PortalRatingForm

PAGE_SIZE = 30


@login_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filterset = ConsultationFilter(request.GET, queryset=selectors.consultations_for(user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "consultations": page.object_list,
        "can_register": can_register(user),
        "filtered": any(request.GET.get(name) for name in filterset.filters),
    }
    return render(request, "consultations/consultation_list.html", context)


def _place(exc: ApplicationError, form: forms.Form) -> list[str]:
    """Put a service's refusal on the form's field when it names one; the rest are shown on top."""
    general = []
    for name, messages_ in (exc.fields or {"": [exc.message]}).items():
        target = "enterprise" if name in ("region", "parties", "location") else name
        for message in messages_:
            if target in form.fields:
                form.add_error(target, message)
            else:
                general.append(str(message))
    return general


def _intake_page(request: HttpRequest, form_class: type[forms.Form], template: str, hotline: bool) -> HttpResponse:
    user = signed_in_user(request)
    status, general = 200, []
    form = form_class(request.POST or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                enterprise = services.enterprise_for(user, data["enterprise"])
                case = services.consultation_register(
                    actor=user,
                    enterprise=enterprise,
                    question=data["question"],
                    channel=ConsultChannel.HOTLINE if hotline else data["channel"],
                    urgency=Urgency.URGENT if data.get("urgent") else data.get("urgency", Urgency.NORMAL),
                    specialities=data["specialities"],
                    difficult=data["difficult"],
                    ticket_number=data.get("ticket_number", ""),
                    caller_name=data.get("caller_name", ""),
                    caller_phone=data.get("caller_phone", ""),
                )
            except ApplicationError as exc:
                general = _place(exc, form)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("咨询 %(number)s 已登记,转至%(org)s") % {"number": case.number, "org": case.assigned_org.name},
                )
                return redirect("case-detail", case_id=case.pk)
    context = {"form": form, "general_errors": general, "hotline": hotline}
    return render(request, template, context, status=status)


@requires(can_register, gettext_lazy("您的岗位不能登记法律咨询"))
@login_required
@never_cache
def consultation_new(request: HttpRequest) -> HttpResponse:
    return _intake_page(request, ConsultationForm, "consultations/consultation_form.html", hotline=False)


@requires(can_register, gettext_lazy("您的岗位不能登记 12345 热线咨询"))
@login_required
@never_cache
def hotline_new(request: HttpRequest) -> HttpResponse:
    return _intake_page(request, HotlineForm, "consultations/consultation_form.html", hotline=True)


# --- the enterprise portal --------------------------------------------------------------------------------


@portal_view
def portal_list(request: HttpRequest) -> HttpResponse:
    enterprise = request.enterprise  # type: ignore[attr-defined]
    page = Paginator(selectors.portal_consultations(enterprise), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/portal/list.html", {"page": page, "consultations": page.object_list})


@portal_view
@never_cache
def portal_new(request: HttpRequest) -> HttpResponse:
    enterprise = request.enterprise  # type: ignore[attr-defined]
    status, general = 200, []
    form = PortalQuestionForm(request.POST or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.consultation_register(
                    actor=lg.portal_intake_user(enterprise),
                    enterprise=enterprise,
                    question=data["question"],
                    channel=ConsultChannel.PORTAL,
                    urgency=Urgency.URGENT if data["urgent"] else Urgency.NORMAL,
                    specialities=data["specialities"],
                    asked_by=signed_in_user(request),
                )
            except ApplicationError as exc:
                general = _place(exc, form)
                status = exc.status_code
            else:
                messages.success(request, _("咨询 %(number)s 已提交,我们将尽快答复") % {"number": case.number})
                return redirect("portal-consult-detail", case_id=case.pk)
    return render(request, "consultations/portal/new.html", {"form": form, "general_errors": general}, status=status)


@portal_view
@never_cache
def portal_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    enterprise = request.enterprise  # type: ignore[attr-defined]
    case = selectors.portal_consultations(enterprise).filter(pk=case_id).first()
    if case is None:
        raise NotFoundError(_("咨询不存在"))
    status, general = 200, []
    form = PortalRatingForm(request.POST or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.consultation_rate(
                    user=signed_in_user(request),
                    enterprise=enterprise,
                    case=case,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except ApplicationError as exc:
                general = _place(exc, form)
                status = exc.status_code
            else:
                messages.success(request, _("感谢您的评价"))
                return redirect("portal-consult-detail", case_id=case.pk)
    context: dict[str, Any] = {"case": case, "consultation": case.consultation, "form": form, "general_errors": general}
    return render(request, "consultations/portal/detail.html", context, status=status)
