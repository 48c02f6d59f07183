"""Documents of the dispute workflow: the mediation agreement (人民调解协议书) as DOCX.

The agreement is an official document and carries the parties' ID numbers in full. Callers check the
user's right to download it and log the download (AuditAction.DOWNLOAD); this module only renders.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate

from pingan.accounts.choices import Role
from pingan.accounts.models import Membership, User
from pingan.cases.choices import Outcome
from pingan.cases.models import Case, Party
from pingan.core.errors import NotFoundError
from pingan.regions.choices import OrgType

from .choices import KIND, PerformanceMethod
from .models import MediationResult
from .services import agreement_parties

TEMPLATE = Path(__file__).parent / "templates_docx" / "agreement.docx"

CHINESE_NUMERALS = "一二三四五六七八九十"
# Numbering people type themselves ("1.", "1、", "(1)", "一、", "第一条"): dropped, the document numbers lines.
LEADING_NUMBER = re.compile(
    r"^\s*(?:第?[0-9一二三四五六七八九十]+[条、.．,,)\)]|[((][0-9一二三四五六七八九十]+[))])\s*"
)


def _mediation(case: Case) -> MediationResult:
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


def _committee_name(case: Case, mediator: User) -> str:
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


def _day(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _date(value: datetime.datetime) -> str:
    return _day(timezone.localtime(value).date())


def party_basics(party: Party, on: datetime.date) -> str:
    """A party's basic details as the agreement states them (人民调解法 第二十九条(一)), e.g.
    "张三,男,1985年3月15日出生,41岁,汉族,个体工商户,住株洲市…,身份证号码…,联系电话…". Age on `on`."""
    if party.is_person:
        parts = [
            party.name,
            party.get_gender_display(),
            party.birth_date and _("%(date)s出生") % {"date": _day(party.birth_date)},
            party.birth_date and _("%(age)s岁") % {"age": party.age_on(on)},
            party.get_ethnicity_display(),
            party.occupation,
            party.employer and _("工作单位:%(employer)s") % {"employer": party.employer},
            party.address and _("住%(address)s") % {"address": party.address},
            party.id_number and _("身份证号码:%(number)s") % {"number": party.id_number},
        ]
    else:
        parts = [
            party.name,
            party.address and _("住所:%(address)s") % {"address": party.address},
            party.legal_representative and _("法定代表人:%(name)s") % {"name": party.legal_representative},
        ]
    parts.append(party.phone and _("联系电话:%(phone)s") % {"phone": party.phone})
    return ",".join(str(part) for part in parts if part) + "。"


def performance_lines(mediation: MediationResult) -> list[str]:
    """The method and term of performance (履行的方式、期限) as the agreement states them."""
    method = PerformanceMethod(mediation.performance_method) if mediation.performance_method else None
    lines = [_("履行方式:%(method)s") % {"method": method.label}] if method else []
    if mediation.performance_detail:
        lines.append(_("履行方式说明:%(detail)s") % {"detail": mediation.performance_detail})
    if method == PerformanceMethod.IMMEDIATE:
        lines.append(_("履行期限:本协议签订时当场履行完毕。"))
    elif method == PerformanceMethod.INSTALMENTS:
        lines.append(_("履行期限:分%(count)s期履行,") % {"count": _numeral(len(mediation.instalments))})
        lines += [
            _("第%(n)s期:%(date)s前,人民币%(amount)s元;")
            % {
                "n": _numeral(n),
                "date": _day(datetime.date.fromisoformat(item["due"])),
                "amount": f"{Decimal(item['amount']):,.2f}",
            }
            for n, item in enumerate(mediation.instalments, start=1)
        ]
    elif mediation.performance_deadline:
        lines.append(_("履行期限:%(date)s前履行完毕。") % {"date": _day(mediation.performance_deadline)})
    if mediation.amount is not None:
        lines.append(_("协议涉及金额人民币%(amount)s元。") % {"amount": f"{mediation.amount:,.2f}"})
    return lines


def agreement_context(case: Case) -> dict:
    mediation = _mediation(case)
    signed_on = timezone.localtime(mediation.concluded_at).date()
    parties = agreement_parties(case)
    responsibilities = mediation.responsibilities or {}
    return {
        "committee": _committee_name(case, mediation.mediator),
        "agreement_number": mediation.agreement_number,
        "parties": [
            {
                "role": p.get_role_display(),
                "name": p.name,
                "basics": party_basics(p, signed_on),
                "responsibility": responsibilities.get(str(p.pk), ""),
            }
            for p in parties
        ],
        "facts": _lines(case.description),
        "kind": _kind_of_dispute(case.category.name),
        "disputed_matters": _lines(mediation.disputed_matters),
        "terms": numbered_terms(mediation.terms),
        "performance": performance_lines(mediation),
        "copies": _numeral(len(parties) + 1),
        "mediator": str(mediation.mediator),
        "date": _day(signed_on),
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
