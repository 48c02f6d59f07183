"""Documents of the dispute workflow: the mediation agreement (人民调解协议书) as DOCX.

The agreement is an official document and carries the parties' ID numbers in full. Callers check the
user's right to download it and log the download (AuditAction.DOWNLOAD); this module only renders.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate

from pingan.accounts.choices import Role
from pingan.accounts.models import Membership
from pingan.cases.choices import Outcome
from pingan.cases.models import Case
from pingan.core.errors import NotFoundError
from pingan.regions.choices import OrgType

from .choices import KIND

TEMPLATE = Path(__file__).parent / "templates_docx" / "agreement.docx"

CHINESE_NUMERALS = "一二三四五六七八九十"
# Numbering people type themselves ("1.", "1、", "(1)", "一、", "第一条"): dropped, the document numbers lines.
LEADING_NUMBER = re.compile(
    r"^\s*(?:第?[0-9一二三四五六七八九十]+[条、.．,,)\)]|[((][0-9一二三四五六七八九十]+[))])\s*"
)


def _mediation(case: Case):
    mediation = getattr(case, "mediation", None) if case.kind == KIND else None
    if case.outcome != Outcome.SUCCESS or mediation is None or mediation.outcome != Outcome.SUCCESS:
        raise NotFoundError(_("该案件没有调解成功的协议书"))
    return mediation


def _numeral(n: int) -> str:
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def numbered_terms(terms: str) -> list[str]:
    """The agreed terms as numbered clauses: 一、… 二、…"""
    clauses = [LEADING_NUMBER.sub("", line) for line in _lines(terms)]
    return [f"{_numeral(i)}、{clause}" for i, clause in enumerate(clauses, start=1)]


def _committee_name(case: Case, mediator) -> str:
    """The people's mediation committee the mediator serves on for this place, else the case's organisation."""
    memberships = Membership.objects.filter(
        user=mediator, role=Role.MEDIATOR, is_active=True, organization__is_active=True
    ).select_related("organization__region")
    covering = [m.organization for m in memberships if case.region_code.startswith(m.organization.region.prefix)]
    committees = [o for o in covering if o.org_type == OrgType.MEDIATION_COMMITTEE]
    # The committee closest to the case (longest jurisdiction prefix) signs.
    for candidates in (committees, covering):
        if candidates:
            return max(candidates, key=lambda o: len(o.region.prefix)).name
    return case.assigned_org.name


def _kind_of_dispute(category: str) -> str:
    return category if category.endswith("纠纷") else f"{category}纠纷"


def _date(value) -> str:
    day = timezone.localtime(value).date()
    return f"{day.year}年{day.month}月{day.day}日"


def agreement_context(case: Case) -> dict:
    mediation = _mediation(case)
    parties = [
        {
            "role": p.get_role_display(),
            "name": p.name,
            "id_number": p.id_number,
            "phone": p.phone,
            "address": p.address,
        }
        for p in case.parties.all()
    ]
    performance = _("按上述协议内容约定的方式和期限履行。")
    if mediation.amount is not None:
        performance += _("协议涉及金额人民币 %(amount)s 元。") % {"amount": f"{mediation.amount:,.2f}"}
    return {
        "committee": _committee_name(case, mediation.mediator),
        "agreement_number": mediation.agreement_number,
        "parties": parties,
        "facts": _lines(case.description),
        "dispute_matter": f"{_kind_of_dispute(case.category.name)}:{case.title}",
        "terms": numbered_terms(mediation.terms),
        "performance": performance,
        "copies": _numeral(len(parties) + 1),
        "mediator": str(mediation.mediator),
        "date": _date(mediation.concluded_at),
    }


def agreement_docx(case: Case) -> bytes:
    """The 人民调解协议书 of a successfully mediated dispute, as DOCX bytes (NotFoundError otherwise)."""
    template = DocxTemplate(TEMPLATE)
    template.render(agreement_context(case), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def agreement_filename(case: Case) -> str:
    mediation = _mediation(case)
    return f"人民调解协议书-{mediation.agreement_number or case.number}.docx"
