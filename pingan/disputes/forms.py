"""Parameters of the dispute-specific actions (one form serves the web UI and the API)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from pingan.cases.action_forms import ActionForm
from pingan.cases.choices import Outcome
from pingan.cases.forms import covering_orgs, select_widget
from pingan.regions.choices import OrgType

from .choices import AdvisedRoute, PerformanceMethod

if TYPE_CHECKING:
    from pingan.cases.models import Case


class AssignMediatorForm(ActionForm):
    mediator = forms.CharField(label=_("调解员(用户名)"), max_length=150)

    def for_case(self, case: Case) -> None:
        from .services import mediators_for

        field = self.fields["mediator"]
        field.label = _("调解员")
        field.widget = select_widget(field, [(u.username, f"{u}({u.username})") for u in mediators_for(case)])


class RecordSessionForm(ActionForm):
    held_at = forms.DateTimeField(label=_("调解时间"))
    place = forms.CharField(label=_("调解地点"), max_length=200, required=False)
    online_link = forms.URLField(label=_("线上调解链接"), required=False)
    attendees = forms.CharField(label=_("参加人员"), max_length=500)
    notes = forms.CharField(label=_("调解情况"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("place") and not cleaned.get("online_link"):
            self.add_error("place", _("请填写调解地点或线上调解链接"))
        return cleaned


class PartyTextsWidget(forms.Widget):
    """One text box per party of the case (`<name>_<party id>`). A JSON client may send the whole mapping
    as `<name>`: {"<party id>": "…"}."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.parties: list[tuple[int, str]] = []  # (party id, label), set by ConcludeForm.for_case

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        if value is not None:
            return value
        prefix = f"{name}_"
        return {key.removeprefix(prefix): data[key] for key in data if key.startswith(prefix)}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(key.startswith(f"{name}_") for key in data)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_{self.parties[0][0]}" if id_ and self.parties else ""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.pop("id", f"id_{name}")
        value = value if isinstance(value, dict) else {}
        return format_html_join(
            "",
            '<div class="mb-2"><label class="form-label small mb-1" for="{0}">{1}</label>'
            '<textarea name="{2}" id="{0}" rows="2"{3}>{4}</textarea></div>',
            (
                (f"{base_id}_{pk}", label, f"{name}_{pk}", flatatt(attrs), value.get(str(pk), ""))
                for pk, label in self.parties
            ),
        )


class PartyTextsField(forms.Field):
    """A short text per party: {party id (string): text}, blank texts dropped. Which parties must have one
    is the service's check (it knows the case)."""

    widget = PartyTextsWidget

    def to_python(self, value: Any) -> dict[str, str]:
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise ValidationError(_("应为“当事人ID: 内容”的对象"), code="invalid")
        texts = {str(key).strip(): str(text or "").strip() for key, text in value.items()}
        if any(not key.isdigit() for key in texts):
            raise ValidationError(_("当事人ID应为数字"), code="invalid")
        if any(len(text) > 500 for text in texts.values()):
            raise ValidationError(_("每方当事人的责任不能超过500个字"), code="max_length")
        return {key: text for key, text in texts.items() if text}


class InstalmentsField(forms.Field):
    """The instalment schedule of 分期履行: one instalment a line, "YYYY-MM-DD 金额" (the web form), or a
    list of {"due": "YYYY-MM-DD", "amount": "1000.00"} (a JSON client). Cleaned to that list, by date."""

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "2027-01-31 1000\n2027-02-28 1000"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(
                f"{item.get('due', '')} {item.get('amount', '')}" for item in value if isinstance(item, dict)
            )
        return value

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            rows = []
            for number, line in enumerate(value.splitlines(), start=1):
                parts = line.replace(",", " ").replace(",", " ").split()
                if not parts:
                    continue
                if len(parts) != 2:
                    raise ValidationError(
                        _("第%(n)s行应为“日期 金额”,如 2027-01-31 1000") % {"n": number}, code="invalid"
                    )
                rows.append({"due": parts[0], "amount": parts[1].removesuffix("元")})
            value = rows
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise ValidationError(_("分期履行计划格式不正确"), code="invalid")
        cleaned: list[dict[str, Any]] = []
        for number, item in enumerate(value, start=1):
            try:
                due = datetime.date.fromisoformat(str(item.get("due", "")).strip())
            except ValueError:
                raise ValidationError(_("第%(n)s期的日期应为 YYYY-MM-DD") % {"n": number}, code="invalid") from None
            try:
                amount = Decimal(str(item.get("amount", "")).strip())
            except InvalidOperation:
                raise ValidationError(_("第%(n)s期的金额应为数字") % {"n": number}, code="invalid") from None
            if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
                raise ValidationError(_("第%(n)s期的金额应为大于0、最多两位小数的数字") % {"n": number}, code="invalid")
            cleaned.append({"due": due, "amount": amount})
        if any(a["due"] >= b["due"] for a, b in itertools.pairwise(cleaned)):
            raise ValidationError(_("各期日期应按先后顺序排列,且不能重复"), code="order")
        return cleaned


class ConcludeForm(ActionForm):
    """调解终结. A successful mediation records every item the 调解协议书 states (人民调解法 第二十九条)
    besides the parties and the facts: the disputed matters, each party's responsibility, the agreed
    terms, and the method and term of performance."""

    outcome = forms.ChoiceField(label=_("调解结果"), choices=Outcome.choices)
    disputed_matters = forms.CharField(label=_("争议事项"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    responsibilities = PartyTextsField(label=_("各方当事人的责任"), required=False)
    terms = forms.CharField(label=_("协议内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    amount = forms.DecimalField(label=_("涉及金额(元)"), required=False, min_value=0, max_digits=14, decimal_places=2)
    performance_method = forms.ChoiceField(
        label=_("履行方式"), choices=[("", "—"), *PerformanceMethod.choices], required=False
    )
    performance_detail = forms.CharField(
        label=_("履行方式说明"),
        max_length=500,
        required=False,
        help_text=_("如转账、现金、赔礼道歉的方式;选“其他方式”时必填"),
    )
    performance_deadline = forms.DateField(
        label=_("履行期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("一次性履行或其他方式的最后期限"),
    )
    instalments = InstalmentsField(
        label=_("分期履行计划"), required=False, help_text=_("分期履行时每行一期:日期 金额,如 2027-01-31 1000")
    )
    advised_route = forms.ChoiceField(
        label=_("调解不成的引导途径"), choices=[("", "—"), *AdvisedRoute.choices], required=False
    )

    def for_case(self, case: Case) -> None:
        from .services import agreement_parties

        self.fields["responsibilities"].widget.parties = [
            (party.pk, _("%(role)s %(name)s 的责任") % {"role": party.get_role_display(), "name": party.masked["name"]})
            for party in agreement_parties(case)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("outcome") == Outcome.SUCCESS:
            self._clean_agreement(cleaned)
        if cleaned.get("outcome") == Outcome.FAILURE and not cleaned.get("advised_route"):
            self.add_error("advised_route", _("调解不成须记录引导当事人采取的途径"))
        return cleaned

    def _clean_agreement(self, cleaned: dict[str, Any]) -> None:
        """What article 29 asks of the agreement, as far as the form can tell without the case."""
        for name, message in (
            ("disputed_matters", _("调解成功须填写争议事项")),
            ("terms", _("调解成功须填写协议内容")),
            ("performance_method", _("调解成功须选择履行方式")),
        ):
            if not (cleaned.get(name) or "").strip() and name not in self.errors:
                self.add_error(name, message)
        method, deadline, instalments = (
            cleaned.get("performance_method"),
            cleaned.get("performance_deadline"),
            cleaned.get("instalments") or [],
        )
        today = timezone.localdate()
        if method == PerformanceMethod.INSTALMENTS:
            if len(instalments) < 2 and "instalments" not in self.errors:
                self.add_error("instalments", _("分期履行须填写至少两期的日期和金额"))
            elif instalments:
                amount = cleaned.get("amount")
                total = sum(item["amount"] for item in instalments)
                if amount is not None and total != amount:
                    self.add_error(
                        "instalments",
                        _("各期金额合计 %(total)s 元,与涉及金额 %(amount)s 元不符")
                        % {"total": f"{total:.2f}", "amount": f"{amount:.2f}"},
                    )
                if instalments[0]["due"] < today:
                    self.add_error("instalments", _("第一期的日期不能早于今天"))
                cleaned["performance_deadline"] = instalments[-1]["due"]
        elif instalments:
            self.add_error("instalments", _("只有分期履行才填写分期计划"))
        if method in (PerformanceMethod.LUMP_SUM, PerformanceMethod.OTHER):
            if deadline is None and "performance_deadline" not in self.errors:
                self.add_error("performance_deadline", _("请填写履行期限"))
            elif deadline is not None and deadline < today:
                self.add_error("performance_deadline", _("履行期限不能早于今天"))
        if method == PerformanceMethod.IMMEDIATE:
            cleaned["performance_deadline"] = None  # performed when the agreement is signed
        if method == PerformanceMethod.OTHER and not cleaned.get("performance_detail"):
            self.add_error("performance_detail", _("选择“其他方式”时须说明履行方式"))


class RequestConfirmationForm(ActionForm):
    court = forms.CharField(label=_("受理法院(单位代码)"), max_length=40)

    def for_case(self, case: Case) -> None:
        """The courts whose jurisdiction contains the case."""
        field = self.fields["court"]
        courts = [o for o in covering_orgs(case) if o.org_type == OrgType.COURT]
        field.widget = select_widget(field, [(o.code, f"{o.name}({o.region.name})") for o in courts])


class OpenFollowupForm(ActionForm):
    to_org = forms.CharField(label=_("承接单位代码(法院、仲裁委或行政部门)"), max_length=40)
