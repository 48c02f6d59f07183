"""Excel export of case lists (案件台账导出). The caller passes a queryset that already starts from
what the user may see, logs the export (AuditAction.EXPORT), and decides whether names are masked.

Small exports (one district, a filtered list) are written at once, in the request: that is what users
expect of a button. An export of the whole city, or of more than PINGAN_EXPORT_IMMEDIATE_ROWS rows, is an
export job (ExportJob) instead: it needs a reason (事由, as for unmasking), is logged with it, runs on the
task queue (`export_run`) with its progress, is downloadable by its requester alone (each download logged)
and expires after PINGAN_EXPORT_TTL_HOURS (`manage.py export_cleanup` deletes the files; schedule it
hourly)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from pingan.core.audit import audit_log, unmask_reason
from pingan.core.errors import ConflictError, NotFoundError
from pingan.core.models import AuditAction
from pingan.core.spreadsheets import text_cell

from . import workflows
from .choices import Channel, ExportStatus, Light, Satisfaction, Urgency
from .models import Case, ExportJob, Party
from .tasks import export_run

if TYPE_CHECKING:
    from openpyxl.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

COLUMNS = [
    # (header, width)
    (gettext_lazy("案件编号"), 18),
    (gettext_lazy("标题"), 30),
    (gettext_lazy("案件类型"), 10),
    (gettext_lazy("类别"), 12),
    (gettext_lazy("受理渠道"), 12),
    (gettext_lazy("紧急程度"), 8),
    (gettext_lazy("状态"), 14),
    (gettext_lazy("所在区划"), 14),
    (gettext_lazy("区划代码"), 14),
    (gettext_lazy("承办单位"), 24),
    (gettext_lazy("登记时间"), 17),
    (gettext_lazy("办理期限"), 17),
    (gettext_lazy("预警"), 8),
    (gettext_lazy("结案时间"), 17),
    (gettext_lazy("按期办结"), 8),
    (gettext_lazy("回访满意度"), 10),
    (gettext_lazy("当事人"), 30),
]
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    # Excel has no time zones: write the wall-clock time of Asia/Shanghai.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _datetime_cell(sheet: WriteOnlyWorksheet, value: datetime.datetime | None) -> Cell | None:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=_local(value))
    cell.number_format = DATETIME_FORMAT
    return cell


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label) if value else ""
    except ValueError:
        return value


def _state_label(case: Case, labels: dict[str, workflows.Workflow]) -> str:
    workflow = labels.get(case.kind)
    return workflow.state_label(case.status) if workflow else case.status


def cases_xlsx(
    queryset: QuerySet[Case],
    *,
    masked: bool = True,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
) -> bytes:
    """One row per case, in the queryset's order; party names masked (张*) unless `masked=False`.
    `on_progress(rows written)` is called every `progress_every` rows and at the end."""
    queryset = queryset.select_related("category", "region", "assigned_org").prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("id"))
    )
    workflows_by_kind = {w.kind: w for w in workflows.kinds()}
    now = timezone.now()

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("案件"))
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([str(header) for header, _width in COLUMNS])
    yes, no = _("是"), _("否")
    done = 0
    for case in queryset.iterator(chunk_size=1000):
        workflow = workflows_by_kind.get(case.kind)
        parties = "、".join((p.masked["name"] if masked else p.name) for p in case.parties.all())
        sheet.append(
            [
                text_cell(sheet, case.number),
                text_cell(sheet, case.title),
                str(workflow.label) if workflow else case.kind,
                text_cell(sheet, case.category.name),
                _label(Channel, case.channel),
                _label(Urgency, case.urgency),
                _state_label(case, workflows_by_kind),
                text_cell(sheet, case.region.name),
                text_cell(sheet, case.region_code),
                text_cell(sheet, case.assigned_org.name),
                _datetime_cell(sheet, case.registered_at),
                _datetime_cell(sheet, case.deadline),
                str(Light(case.light(now)).label),
                _datetime_cell(sheet, case.closed_at),
                "" if case.on_time is None else (yes if case.on_time else no),
                _label(Satisfaction, case.satisfaction),
                text_cell(sheet, parties),
            ]
        )
        done += 1
        if on_progress is not None and done % progress_every == 0:
            on_progress(done)
    if on_progress is not None:
        on_progress(done)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- export jobs ------------------------------------------------------------------------------------


def is_whole_city(user: Any, region_filter: str) -> bool:
    """Would this export cover the whole city: no region filter (or the city's own code) and a jurisdiction
    that reaches the city's level."""
    from pingan.regions.selectors import region_by_code, user_prefixes

    city_code = settings.PINGAN_CITY_CODE
    if region_filter and region_filter != city_code:
        return False
    city = region_by_code(city_code)
    if city is None:
        return False
    return any(city.prefix.startswith(prefix) for prefix in user_prefixes(user))


def needs_job(*, user: Any, rows: int, region_filter: str) -> bool:
    return rows > settings.PINGAN_EXPORT_IMMEDIATE_ROWS or is_whole_city(user, region_filter)


def export_job_start(
    *, actor: Any, query: dict[str, Any], filters: dict[str, Any], rows: int, reason: str
) -> ExportJob:
    """Record the job (with the reason, which must be a real one), log the export, queue the work."""
    reason = unmask_reason(reason)
    now = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.create(
            requester=actor,
            query=query,
            filters=filters,
            reason=reason,
            rows_total=rows,
            created_at=now,
            expires_at=now + datetime.timedelta(hours=settings.PINGAN_EXPORT_TTL_HOURS),
        )
        audit_log(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=job,
            reason=reason,
            changes={"filters": filters, "rows": rows, "masked": True, "format": "xlsx", "job": job.pk},
        )
    # Queued once the job and its audit entry are written (and the audit chain's lock released): the
    # immediate backend runs it here and now, the database backend's worker picks it up.
    export_run.enqueue(job_id=job.pk)
    return job


def job_progress(job_id: int, rows_done: int, rows_total: int) -> None:
    progress = 100 if rows_total == 0 else min(99, rows_done * 100 // rows_total)
    ExportJob.objects.filter(pk=job_id).update(rows_done=rows_done, progress=progress)


PROGRESS_EVERY = 1000  # rows between two progress updates of a job


def export_job_run(job_id: int) -> str:
    """The task's work: re-apply the filters as the requester (what they may see now), write the file."""
    from .filters import CaseFilter
    from .selectors import case_list

    job = ExportJob.objects.select_related("requester").filter(pk=job_id, status=ExportStatus.QUEUED).first()
    if job is None:
        return "gone"
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)
    try:
        request = HttpRequest()  # what CaseFilter reads of a request: its user (the requester, as of now)
        request.user = job.requester
        filterset = CaseFilter(job.query, queryset=case_list(user=job.requester), request=request)
        if not filterset.is_valid():
            raise ValueError("filters no longer valid")
        queryset = filterset.qs
        total = queryset.count()
        ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
        content = cases_xlsx(
            queryset,
            masked=True,
            on_progress=lambda done: job_progress(job.pk, done, total),
            progress_every=PROGRESS_EVERY,
        )
        job.file.save(f"{job.pk}.xlsx", ContentFile(content), save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.DONE, file=job.file.name, rows_done=total, progress=100, finished_at=timezone.now()
        )
        return ExportStatus.DONE
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=str(error)[:200], finished_at=timezone.now()
        )
        raise


def export_job_open(*, job_id: int, actor: Any) -> tuple[ExportJob, File[Any]]:
    """The file of a finished job, for its requester only (anyone else: not found), logged (DOWNLOAD)."""
    job = ExportJob.objects.filter(pk=job_id, requester=actor).first()
    if job is None:
        raise NotFoundError(_("导出任务不存在"))
    if job.status == ExportStatus.EXPIRED or job.expires_at <= timezone.now():
        raise ConflictError(_("导出文件已过期,请重新申请导出"))
    if not job.downloadable:
        raise ConflictError(_("导出文件尚未生成,请稍候"))
    audit_log(
        actor=actor,
        action=AuditAction.DOWNLOAD,
        obj=job,
        reason=job.reason,
        changes={"job": job.pk, "rows": job.rows_done},
    )
    return job, default_storage.open(job.file.name or "", "rb")


def export_jobs_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of jobs past their time (and of failed ones); mark them expired. Returns how many."""
    now = now or timezone.now()
    count = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(status=ExportStatus.EXPIRED):
        name = job.file.name or ""
        if name and default_storage.exists(name):
            default_storage.delete(name)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file="")
        count += 1
    return count
