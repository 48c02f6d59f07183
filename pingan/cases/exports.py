"""Excel export of case lists (案件台账导出). The caller passes a queryset that already starts from
what the user may see, logs the export (AuditAction.EXPORT), and decides whether names are masked."""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from pingan.core.spreadsheets import text_cell

from . import workflows
from .choices import Channel, Light, Satisfaction, Urgency
from .models import Case, Party

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


def cases_xlsx(queryset: QuerySet[Case], *, masked: bool = True) -> bytes:
    """One row per case, in the queryset's order; party names masked (张*) unless `masked=False`."""
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
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
