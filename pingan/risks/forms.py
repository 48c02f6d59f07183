"""Parameters of the risk loop's actions (one form per action serves the detail page and the API's
transitions endpoint alike), and the page form that raises a risk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.cases import action_forms as af
from pingan.cases.forms import BasePartyFormSet, PartyForm
from pingan.cases.models import Category

from .choices import TASK_STAGE_CHOICES, ImprovementOutcome, RiskSource, RiskStage, TaskStatus

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from pingan.cases.models import Case


class IdListField(forms.CharField):
    """Ids as a list (JSON) or comma-separated text ("12, 13"); empty is an empty list."""

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        if value in (None, "", []):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        parts = [part for item in values for part in str(item).replace(",", ",").split(",")]
        ids = []
        for part in parts:
            text = str(part).strip()
            if not text:
                continue
            if not text.isdigit():
                raise forms.ValidationError(_("请填写附件编号,多个以逗号分隔"))
            ids.append(int(text))
        return ids

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def _score_field(label: str | _StrPromise) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=9, help_text=_("1–5(按风险矩阵的等级)"))


class ScoreForm(af.ActionForm):
    likelihood = _score_field(_("可能性"))
    impact = _score_field(_("影响程度"))
    note = forms.CharField(label=_("评估说明"), max_length=500, required=False)


class ResidualForm(ScoreForm):
    likelihood = _score_field(_("剩余可能性"))
    impact = _score_field(_("剩余影响程度"))
    note = forms.CharField(label=_("采取措施后的评估说明"), max_length=500, required=False)


class TaskForm(af.ActionForm):
    title = forms.CharField(label=_("任务"), max_length=200)
    stage = forms.ChoiceField(
        label=_("阶段"),
        required=False,
        choices=[("", _("当前阶段")), *TASK_STAGE_CHOICES],
    )
    owner_org = forms.CharField(label=_("责任单位代码(留空为风险责任单位)"), max_length=40, required=False)
    due_date = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))
    required_evidence = forms.CharField(label=_("须提交的佐证材料"), max_length=200, required=False)

    def for_case(self, case: Case) -> None:
        """On the page, the units whose jurisdiction holds the risk's place to choose from (the API and the
        service take any unit the service admits: one of these, or one inside the owner's jurisdiction)."""
        from pingan.cases.forms import covering_orgs

        field = self.fields["owner_org"]
        field.label = _("责任单位")
        choices = [(o.code, f"{o.name}({o.region.name})") for o in covering_orgs(case)]
        field.widget = forms.Select(choices=[("", _("风险责任单位(默认)")), *choices])


class ImprovementForm(TaskForm):
    title = forms.CharField(label=_("提升措施"), max_length=200)
    stage = None  # type: ignore[assignment]  # always the improvement stage


class _TaskChoice:
    """A `task` field that takes a task id; on the page it is a list of the stage's open tasks."""

    fields: dict[str, forms.Field]
    task_stages: tuple[str, ...] = ()

    def for_case(self, case: Case) -> None:
        from .models import RiskTask

        stages = self.task_stages or (case.status,)
        tasks = RiskTask.objects.filter(risk_id=case.pk, stage__in=stages, status=TaskStatus.OPEN).order_by(
            "due_date", "id"
        )
        self.fields["task"].widget = forms.Select(
            choices=[("", "---------")] + [(t.pk, f"{t.title}({t.due_date:%m-%d})") for t in tasks]
        )
        if "evidence" in self.fields:
            from pingan.cases.models import Attachment

            # On the page the case's files are ticked, not typed (the API still takes their ids).
            files = [(a.pk, a.original_name) for a in Attachment.objects.filter(case_id=case.pk).order_by("id")]
            field = self.fields["evidence"]
            field.label = _("佐证附件")
            if files:
                field.widget = forms.CheckboxSelectMultiple(choices=files)
                field.help_text = _("勾选已上传到本风险“附件”中的文件")
            else:
                field.widget = forms.HiddenInput()
                field.help_text = ""


class RecordTaskForm(_TaskChoice, af.ActionForm):
    task = forms.IntegerField(label=_("任务"))
    record = forms.CharField(label=_("处置记录"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = IdListField(
        label=_("佐证附件编号"), required=False, help_text=_("先在“附件”中上传,再填写附件编号,多个以逗号分隔")
    )
    complete = af.YesNoField(label=_("任务状态"), yes=_("任务已完成"), no=_("仅记录进展"), required=False)


class CancelTaskForm(_TaskChoice, af.ActionForm):
    task = forms.IntegerField(label=_("任务"))
    comment = forms.CharField(label=_("取消理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteImprovementForm(_TaskChoice, af.ActionForm):
    task_stages = (RiskStage.IMPROVEMENT.value,)
    task = forms.IntegerField(label=_("提升措施"))
    record = forms.CharField(label=_("完成情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = IdListField(label=_("佐证附件编号"), required=False)
    save_as = forms.ChoiceField(label=_("沉淀为"), choices=ImprovementOutcome.choices, required=False)
    save_name = forms.CharField(label=_("模板/机制名称(留空同措施名称)"), max_length=100, required=False)


class TemplateForm(af.ActionForm):
    template = forms.IntegerField(label=_("预案模板"))

    def for_case(self, case: Case) -> None:
        from .models import RiskPlanTemplate

        templates = RiskPlanTemplate.objects.filter(is_active=True).order_by("name", "id")
        self.fields["template"].widget = forms.Select(choices=[("", "---------")] + [(t.pk, t.name) for t in templates])


class ReviewForm(af.ActionForm):
    worked = forms.CharField(label=_("经验做法"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    failed = forms.CharField(label=_("存在问题"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class SignOffForm(af.ActionForm):
    comment = forms.CharField(
        label=_("签批意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


SOURCE_CHOICES = RiskSource.choices


class RiskRaiseForm(forms.Form):
    """新建风险 (预见): what `services.risk_raise` takes, on one page. The region is picked from the tree, or
    the grids listed (their first one stands for the region), or a point given."""

    title = forms.CharField(label=_("风险名称"), max_length=100)
    category: forms.ModelChoiceField[Category] = forms.ModelChoiceField(
        label=_("风险类别"), queryset=Category.objects.none(), to_field_name="code"
    )
    source = forms.ChoiceField(label=_("风险来源"), choices=RiskSource.choices)
    description = forms.CharField(label=_("风险描述"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    likelihood = forms.TypedChoiceField(label=_("可能性"), coerce=int, choices=[])
    impact = forms.TypedChoiceField(label=_("影响程度"), coerce=int, choices=[])
    region = forms.CharField(label=_("所在区划代码"), max_length=20, required=False)
    grid_codes = forms.CharField(
        label=_("涉及网格代码"), max_length=500, required=False, help_text=_("多个以逗号分隔;可代替所在区划")
    )
    owner_org = forms.CharField(
        label=_("责任单位代码"), max_length=40, required=False, help_text=_("留空则按分流规则确定")
    )
    address = forms.CharField(label=_("地点"), max_length=200, required=False)
    lat = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False)
    lng = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, required=False)

    def __init__(self, *args: Any, matrix_labels: tuple[list[str], list[str]] = ([], []), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = Category.objects.filter(kind="risk", is_active=True).order_by("sort_order", "code")
        likelihood_labels, impact_labels = matrix_labels
        likelihood, impact = self.fields["likelihood"], self.fields["impact"]
        assert isinstance(likelihood, forms.TypedChoiceField) and isinstance(impact, forms.TypedChoiceField)
        likelihood.choices = [(n, f"{n} {label}") for n, label in enumerate(likelihood_labels, start=1)]
        impact.choices = [(n, f"{n} {label}") for n, label in enumerate(impact_labels, start=1)]


# The people involved (涉及人员) on the new-risk page: the engine's party rows (checked, stored encrypted and
# shown masked like any case's parties), none required — a risk may name nobody yet — and up to 50.
PeopleFormSet = cast(
    type[BasePartyFormSet],
    forms.formset_factory(
        PartyForm, formset=BasePartyFormSet, extra=1, min_num=0, validate_min=False, max_num=50, validate_max=True
    ),
)
