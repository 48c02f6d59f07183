"""The 法律风险评估报告 of a 法治体检: one context (`report_context`) rendered as DOCX (docxtpl template built
by templates_docx/build_report_template.py, after the house way of pingan.majorevents.documents) and as PDF
(reportlab). The PDF sets its Chinese text in reportlab's built-in CID font STSong-Light (Adobe-GB1): the
file names the font and the reader supplies it (every PDF reader ships the Adobe CJK fallback), so no font
file is needed on the server, whether fonts-noto-cjk is installed there or not."""

from __future__ import annotations

import io
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate

from pingan.lawguard.choices import Severity

from .choices import Answer, Area
from .models import CheckItem, Finding, LegalService

TEMPLATE = Path(__file__).parent / "templates_docx" / "checkup_report.docx"
PDF_FONT = "STSong-Light"


def _day(value: Any) -> str:
    if value is None:
        return "—"
    value = timezone.localtime(value).date() if hasattr(value, "hour") else value
    return f"{value.year}年{value.month}月{value.day}日"


def report_context(service: LegalService) -> dict[str, Any]:
    case = service.case
    findings = list(Finding.objects.filter(service=service).select_related("item").order_by("id"))
    answers = Counter(CheckItem.objects.filter(service=service).values_list("answer", flat=True))
    colours = Counter(f.severity for f in findings)
    station = service.enterprise.workstation
    status = _("报告编号 %(number)s") % {"number": service.report_number} if service.issued_at else _("草稿(未出具)")
    return {
        "status": status,
        "number": service.report_number or "—",
        "enterprise": service.enterprise.name,
        "credit_code": service.enterprise.credit_code,
        "date": _day(case.accepted_at or case.registered_at),
        "workstation": station.organization.name if station else "—",
        "experts": "、".join(e.name for e in service.experts.all()) or "—",
        "red": colours[Severity.RED],
        "orange": colours[Severity.ORANGE],
        "yellow": colours[Severity.YELLOW],
        "checked": sum(answers.values()),
        "passed": answers[Answer.YES],
        "failed": answers[Answer.NO],
        "na": answers[Answer.NA],
        "findings": [
            {
                "no": index,
                "severity": Severity(f.severity).label,
                "severity_code": f.severity,
                "area": Area(f.item.area).label if f.item else _("其他"),
                "title": f.item.question if f.item else f.description[:40],
                "description": f.description,
                "legal_basis": f.item.legal_basis if f.item else "—",
                "suggestion": f.suggestion,
                "implement_by": _day(f.implement_by),
            }
            for index, f in enumerate(findings, start=1)
        ],
        "drafted_by": service.drafted_by.full_name if service.drafted_by else "—",
        "reviewed_by": service.reviewed_by.full_name if service.reviewed_by else "—",
        "issued_on": _day(service.issued_at) if service.issued_at else _("(未出具)"),
    }


def report_docx(service: LegalService) -> bytes:
    template = DocxTemplate(TEMPLATE)
    template.render(report_context(service), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def report_pdf(service: LegalService) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from reportlab.platypus.flowables import PageBreak, Spacer

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    c = report_context(service)
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=11, leading=18, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=24, leading=32, alignment=1)
    centre = ParagraphStyle("centre", parent=body, alignment=1)
    heading = ParagraphStyle("heading", parent=body, fontSize=13, leading=22, spaceBefore=8)

    def p(text: Any, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    story: list[Any] = [p(c["status"], ParagraphStyle("r", parent=body, alignment=2)), Spacer(1, 3 * cm)]
    story += [p("法律风险评估报告", title), p("(法治体检)", centre), Spacer(1, 3 * cm)]
    for label, key in (
        ("报告编号", "number"),
        ("受检企业", "enterprise"),
        ("统一社会信用代码", "credit_code"),
        ("体检日期", "date"),
        ("服务工作站", "workstation"),
        ("会诊专家", "experts"),
    ):
        story.append(p(f"{label}:{c[key]}", centre))
    story += [PageBreak(), p("一、风险汇总", heading)]
    table = Table(
        [[p("风险等级"), p("项数")]]
        + [[p(Severity(code).label), p(c[code])] for code in (Severity.RED, Severity.ORANGE, Severity.YELLOW)],
        colWidths=[8 * cm, 4 * cm],
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story += [table, Spacer(1, 6)]
    story.append(p(f"共检查 {c['checked']} 项,符合 {c['passed']} 项,不符合 {c['failed']} 项,不适用 {c['na']} 项。"))
    story.append(p("二、发现问题及整改建议", heading))
    for f in c["findings"]:
        story += [
            p(f"{f['no']}. 【{f['severity']}】{f['area']}:{f['title']}"),
            p(f"问题描述:{f['description']}"),
            p(f"法律依据:{f['legal_basis']}"),
            p(f"整改建议:{f['suggestion']}"),
            p(f"整改期限:{f['implement_by']}"),
            Spacer(1, 6),
        ]
    story += [p("三、签署", heading), p(f"起草人:{c['drafted_by']}"), p(f"审核人:{c['reviewed_by']}")]
    story += [p(f"出具单位:{c['workstation']}(盖章)"), p(c["issued_on"])]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, title="法律风险评估报告", author="平安 Ping'an", leftMargin=2.6 * cm, rightMargin=2.6 * cm
    ).build(story)
    return buffer.getvalue()


def filename(service: LegalService, extension: str) -> str:
    return f"{service.enterprise.name}法律风险评估报告-{service.report_number or service.case.number}.{extension}"
