"""Parameters of the risk loop's actions (one form per action serves the detail page and the API's
transitions endpoint alike), and the page form that raises a risk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.cases import action_forms as af

from .choices import ImprovementOutcome, RiskSource, RiskStage, TaskStatus

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from pingan.cases.models import Case


class IdListField(forms.CharField):
    """Ids as a list (JSON) or comma-separated text ("12, 13"); empty is an empty list."""

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        if value in (None, "", []):
            return []
        parts = value if isinstance(value, list | tuple) else str(value).replace(",", ",").split(",")
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
        choices=[("", _("当前阶段"))] + [(s.value, s.label) for s in RiskStage if s != RiskStage.CLOSED],
    )
    owner_org = forms.CharField(label=_("责任单位代码(留空为风险责任单位)"), max_length=40, required=False)
    due_date = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))
    required_evidence = forms.CharField(label=_("须提交的佐证材料"), max_length=200, required=False)


class ImprovementForm(TaskForm):
    title = forms.CharField(label=_("提升措施"), max_length=200)
    stage = forms.ChoiceField(
        label=_("阶段"), required=False, choices=[(RiskStage.IMPROVEMENT.value, RiskStage.IMPROVEMENT.label)]
    )


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

            names = [f"{a.pk}:{a.original_name}" for a in Attachment.objects.filter(case_id=case.pk).order_by("id")]
            if names:
                self.fields["evidence"].help_text = _("可选附件(编号:文件名):%(files)s") % {"files": ";".join(names)}


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
