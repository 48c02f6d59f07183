"""Major-event pages: the list (filtered like the API), a new event from a scenario template, the event's
board (tasks by domain and unit with lateness, open risks near the venues, today's report and roster), task
completion, sweeps and their findings (a finding becomes a case in one step), the roster, the daily
reports (generate, edit, send, DOCX) and the review with its lessons saved into the template.

Views read through selectors (anything outside the user's jurisdiction is a 404) and write only through
services; an ApplicationError from a service is shown on the page with its status code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingan.accounts.access import signed_in_user
from pingan.core.errors import ApplicationError
from pingan.core.forms import add_service_errors
from pingan.core.masking import mask_phone

from . import documents, selectors, services
from .filters import EventFilter
from .forms import (
    EventCreateForm,
    FindingCaseForm,
    FindingForm,
    LessonSaveForm,
    ReportForm,
    ReportGenerateForm,
    ReviewForm,
    RosterForm,
    SweepForm,
    TaskCompleteForm,
)
from .models import DailyReport, Event

PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _event(request: HttpRequest, event_id: int) -> Event:
    return selectors.event_visible_or_404(user=signed_in_user(request), event_id=event_id)


def _failed(form: forms.Form, exc: ApplicationError) -> int:
    add_service_errors(form, exc)
    return exc.status_code


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    filterset = EventFilter(request.GET, queryset=selectors.event_list(user=signed_in_user(request)))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "majorevents/event_list.html", {"filter": filterset, "page": page, "events": page})


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    status = 200
    form = EventCreateForm(request.POST or None, user=user)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                event = services.event_create(
                    actor=user,
                    name=data["name"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    security_level=data["security_level"],
                    lead_org=data["lead_org"],
                    region=data["region"],
                    template=data["template"],
                    venues=form.venues(),
                    description=data["description"],
                )
            except ApplicationError as exc:
                status = _failed(form, exc)
            else:
                messages.success(request, _("已登记重大活动,方案已由模板生成"))
                return redirect("event-board", event_id=event.pk)
    return render(request, "majorevents/event_form.html", {"form": form}, status=status)


@login_required
def event_board(request: HttpRequest, event_id: int) -> HttpResponse:
    return _render_board(request, _event(request, event_id))


def _refused(request: HttpRequest, exc: ApplicationError) -> int:
    """A refused action on a page without a form of its own: the message on the page it came from, which is
    rendered again with the refusal's status (never a redirect that would answer 302)."""
    messages.error(request, exc.message)
    return exc.status_code


def _render_board(request: HttpRequest, event: Event, status: int = 200) -> HttpResponse:
    user = signed_in_user(request)
    board = selectors.board(user=user, event=event)
    roster = [(entry, mask_phone(entry.user.phone)) for entry in board.roster]
    context = {
        "event": event,
        "board": board,
        "roster": roster,
        "can_manage": services.can_manage(user, event.region_code),
        "generate_form": ReportGenerateForm(initial={"day": board.today}),
    }
    return render(request, "majorevents/event_board.html", context, status=status)


@login_required
@require_POST
def event_status(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    try:
        services.event_advance(actor=signed_in_user(request), event=event, status=request.POST.get("status", ""))
    except ApplicationError as exc:
        return _render_board(request, event, _refused(request, exc))
    messages.success(request, _("活动状态已更新"))
    return redirect("event-board", event_id=event.pk)


# --- tasks -----------------------------------------------------------------------------------------


@login_required
def task_complete(request: HttpRequest, task_id: int) -> HttpResponse:
    user = signed_in_user(request)
    task = selectors.task_visible_or_404(user=user, task_id=task_id)
    form = TaskCompleteForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.task_complete(
                    actor=user, task=task, record=form.cleaned_data["record"], evidence=form.cleaned_data["evidence"]
                )
            except ApplicationError as exc:
                status = _failed(form, exc)
            else:
                messages.success(request, _("任务已完成"))
                return redirect("event-board", event_id=task.event_id)
    return render(request, "majorevents/task_complete.html", {"task": task, "form": form}, status=status)


@login_required
def task_evidence(request: HttpRequest, task_id: int) -> FileResponse:
    task = selectors.task_visible_or_404(user=signed_in_user(request), task_id=task_id)
    if not task.evidence:
        raise Http404
    response = FileResponse(task.evidence.open("rb"), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, task.evidence_name or "evidence")
    return response


# --- sweeps ----------------------------------------------------------------------------------------


def _render_sweeps(request: HttpRequest, event: Event, status: int = 200, **forms_: Any) -> HttpResponse:
    context = {
        "event": event,
        "sweeps": selectors.sweeps_of(event),
        "sweep_form": forms_.get("sweep_form") or SweepForm(initial={"swept_on": timezone.localdate()}),
        "finding_form": FindingForm(),
        "case_form": forms_.get("case_form") or FindingCaseForm(),
    }
    return render(request, "majorevents/sweeps.html", context, status=status)


@login_required
def event_sweeps(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    if request.method != "POST":
        return _render_sweeps(request, event)
    form = SweepForm(request.POST)
    if not form.is_valid():
        return _render_sweeps(request, event, 400, sweep_form=form)
    try:
        services.sweep_create(
            actor=signed_in_user(request),
            event=event,
            region=form.cleaned_data["region"],
            swept_on=form.cleaned_data["swept_on"],
            note=form.cleaned_data["note"],
            findings=form.finding_items(),
        )
    except ApplicationError as exc:
        return _render_sweeps(request, event, _failed(form, exc), sweep_form=form)
    messages.success(request, _("已登记排查"))
    return redirect("event-sweeps", event_id=event.pk)


@login_required
@require_POST
def finding_add(request: HttpRequest, sweep_id: int) -> HttpResponse:
    user = signed_in_user(request)
    sweep = selectors.sweep_visible_or_404(user=user, sweep_id=sweep_id)
    form = FindingForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(str(next(iter(form.errors.values()))[0]))
        services.finding_add(actor=user, sweep=sweep, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render_sweeps(request, sweep.event, exc.status_code)
    messages.success(request, _("已记录排查发现"))
    return redirect("event-sweeps", event_id=sweep.event_id)


@login_required
@require_POST
def finding_case(request: HttpRequest, finding_id: int) -> HttpResponse:
    """A finding becomes a risk, a dispute or an incident in one step; then the case's page."""
    user = signed_in_user(request)
    finding = selectors.finding_visible_or_404(user=user, finding_id=finding_id)
    form = FindingCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(next(iter(form.errors.values()))[0]))
        return _render_sweeps(request, finding.sweep.event, 400, case_form=form)
    try:
        case = services.finding_to_case(actor=user, finding=finding, **form.service_data())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render_sweeps(request, finding.sweep.event, exc.status_code, case_form=form)
    messages.success(request, _("已立案,编号 %(number)s") % {"number": case.number})
    return redirect("case-detail", case_id=case.pk)


# --- roster ----------------------------------------------------------------------------------------


@login_required
def event_roster(request: HttpRequest, event_id: int) -> HttpResponse:
    user = signed_in_user(request)
    event = _event(request, event_id)
    form = RosterForm(request.POST or None, user=user, initial={"date": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.roster_add(
                    actor=user,
                    event=event,
                    date=data["date"],
                    shift=data["shift"],
                    org=data["org"],
                    user=data["username"],
                    post=data["post"],
                )
            except ApplicationError as exc:
                status = _failed(form, exc)
            else:
                messages.success(request, _("已排班"))
                return redirect("event-roster", event_id=event.pk)
    return _render_roster(request, event, form, status)


def _render_roster(request: HttpRequest, event: Event, form: RosterForm, status: int) -> HttpResponse:
    shifts = [(entry, mask_phone(entry.user.phone)) for entry in selectors.roster_of(event)]
    return render(request, "majorevents/roster.html", {"event": event, "shifts": shifts, "form": form}, status=status)


@login_required
@require_POST
def roster_remove(request: HttpRequest, shift_id: int) -> HttpResponse:
    user = signed_in_user(request)
    entry = selectors.shift_visible_or_404(user=user, shift_id=shift_id)
    try:
        services.roster_remove(actor=user, entry=entry)
    except ApplicationError as exc:
        form = RosterForm(user=user, initial={"date": timezone.localdate()})
        return _render_roster(request, entry.event, form, _refused(request, exc))
    return redirect("event-roster", event_id=entry.event_id)


# --- reports ---------------------------------------------------------------------------------------


@login_required
@require_POST
def report_generate(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    form = ReportGenerateForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("请选择日期"), field="day")
        report = services.report_generate(actor=signed_in_user(request), event=event, day=form.cleaned_data["day"])
    except ApplicationError as exc:
        return _render_board(request, event, _refused(request, exc))
    messages.success(request, _("已生成第%(n)s期日报草稿") % {"n": report.number})
    return redirect("event-report", report_id=report.pk)


def _report_form(report: DailyReport, data: Any = None) -> ReportForm:
    return ReportForm(data, initial={name: getattr(report, name) for name in DailyReport.TEXT_FIELDS})


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """The report: edited here while a draft (POST saves), read-only once sent."""
    user = signed_in_user(request)
    report = selectors.report_visible_or_404(user=user, report_id=report_id)
    form = _report_form(report, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.report_edit(actor=user, report=report, **form.cleaned_data)
            except ApplicationError as exc:
                status = _failed(form, exc)
            else:
                messages.success(request, _("日报已保存"))
                return redirect("event-report", report_id=report.pk)
    return _render_report(request, report, form, status)


def _render_report(request: HttpRequest, report: DailyReport, form: ReportForm, status: int) -> HttpResponse:
    context = {"report": report, "event": report.event, "form": form}
    return render(request, "majorevents/report.html", context, status=status)


@login_required
@require_POST
def report_send(request: HttpRequest, report_id: int) -> HttpResponse:
    user = signed_in_user(request)
    report = selectors.report_visible_or_404(user=user, report_id=report_id)
    try:
        services.report_send(actor=user, report=report)
    except ApplicationError as exc:
        return _render_report(request, report, _report_form(report), _refused(request, exc))
    messages.success(request, _("日报已报送"))
    return redirect("event-report", report_id=report.pk)


@login_required
def report_docx(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_visible_or_404(user=signed_in_user(request), report_id=report_id)
    return HttpResponse(
        documents.report_docx(report),
        content_type=DOCX,
        headers={"Content-Disposition": content_disposition_header(True, documents.report_filename(report))},
    )


# --- review ----------------------------------------------------------------------------------------


@login_required
def event_review(request: HttpRequest, event_id: int) -> HttpResponse:
    user = signed_in_user(request)
    event = _event(request, event_id)
    form = _review_form(event, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.review_write(
                    actor=user,
                    event=event,
                    summary=data["summary"],
                    worked=data["worked"],
                    failed=data["failed"],
                    lessons=form.lesson_items(),
                )
            except ApplicationError as exc:
                status = _failed(form, exc)
            else:
                messages.success(request, _("复盘已保存"))
                return redirect("event-review", event_id=event.pk)
    return _render_review(request, event, form, status)


def _review_form(event: Event, data: Any = None) -> ReviewForm:
    review = getattr(event, "review", None)
    initial = {"summary": review.summary, "worked": review.worked, "failed": review.failed} if review else {}
    return ReviewForm(data, initial=initial)


def _render_review(request: HttpRequest, event: Event, form: ReviewForm, status: int) -> HttpResponse:
    review = getattr(event, "review", None)
    lessons = list(review.lessons.select_related("saved_task", "saved_section")) if review else []
    context = {
        "event": event,
        "review": review,
        "form": form,
        "lessons": lessons,
        "save_form": LessonSaveForm(event=event),
    }
    return render(request, "majorevents/review.html", context, status=status)


@login_required
@require_POST
def lesson_save(request: HttpRequest, lesson_id: int) -> HttpResponse:
    user = signed_in_user(request)
    lesson = selectors.lesson_visible_or_404(user=user, lesson_id=lesson_id)
    event = lesson.review.event
    form = LessonSaveForm(request.POST, event=event)
    try:
        if not form.is_valid():
            raise ApplicationError(str(next(iter(form.errors.values()))[0]))
        services.lesson_save_to_template(actor=user, lesson=lesson, section=form.cleaned_data["section"])
    except ApplicationError as exc:
        return _render_review(request, event, _review_form(event), _refused(request, exc))
    messages.success(request, _("已存入预案模板“%(name)s”") % {"name": event.template})
    return redirect("event-review", event_id=event.pk)
