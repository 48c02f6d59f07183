"""Documents of major-event security: the daily report (安保工作日报) as DOCX, after the house way of the
dispute agreement (pingan.disputes.documents): a docxtpl template built by
templates_docx/build_report_template.py, filled here."""

from __future__ import annotations

import io
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate

from .models import DailyReport

TEMPLATE = Path(__file__).parent / "templates_docx" / "daily_report.docx"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()] or ["—"]


def report_context(report: DailyReport) -> dict:
    event = report.event
    day = report.day
    status = (
        _("%(time)s 报送") % {"time": f"{timezone.localtime(report.sent_at):%Y-%m-%d %H:%M}"}
        if report.sent_at
        else _("草稿(未报送)")
    )
    return {
        "event": event.name,
        "number": report.number,
        "unit": event.lead_org.name,
        "date": f"{day.year}年{day.month}月{day.day}日",
        "status": status,
        **{name: _lines(getattr(report, name)) for name in DailyReport.TEXT_FIELDS},
    }


def report_docx(report: DailyReport) -> bytes:
    template = DocxTemplate(TEMPLATE)
    template.render(report_context(report), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def report_filename(report: DailyReport) -> str:
    return f"{report.event.name}安保工作日报-第{report.number}期.docx"
