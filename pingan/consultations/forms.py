"""Parameters of the consultation's actions (one form per action serves the detail page and the API's
transitions endpoint alike), and the page forms: the workstation's and the 12345 hotline's intake, the
enterprise portal's question and rating."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.cases import action_forms as af
from pingan.cases.choices import Urgency
from pingan.lawguard.choices import GuardRole, ProviderRole, Speciality

from .choices import ConsultChannel

if TYPE_CHECKING:
    from pingan.cases.models import Case

SCORES = [(str(score), f"{score} 分") for score in range(5, 0, -1)]


class HandToGuardForm(af.ActionForm):
    role = forms.ChoiceField(label=_("转交给"), choices=GuardRole.choices)

    def for_case(self, case: Case) -> None:
        """On the page, the enterprise's current 三官一律 who hold an account, by name."""
        from .services import current_guards

        guards = current_guards(case.consultation.enterprise)
        choices = [
            (role, f"{GuardRole(role).label} {guard.user.full_name or guard.person_name}")
            for role, guard in sorted(guards.items())
            if guard.user is not None and guard.user.is_active
        ]
        self.fields["role"] = forms.ChoiceField(label=self.fields["role"].label, choices=choices)


class EscalateForm(af.ReasonForm):
    expert = forms.IntegerField(label=_("会诊专家"), min_value=1, help_text=_("专家 ID(按涉及领域匹配排序)"))
    comment = forms.CharField(label=_("提请会诊理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def for_case(self, case: Case) -> None:
        """On the page, the experts ranked by how many of the question's specialities they cover."""
        from .selectors import experts_for_question

        ranked = experts_for_question(case.consultation.specialities)
        self.fields["expert"] = forms.ChoiceField(
            label=self.fields["expert"].label,
            choices=[
                (str(r.expert.pk), f"{r.expert.name}({r.expert.unit};{r.labels or '—'};匹配 {r.matched} 项)")
                for r in ranked
            ],
        )


class AnswerForm(af.ActionForm):
    answer = forms.CharField(label=_("答复内容"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5}))
    answered_role = forms.ChoiceField(
        label=_("答复身份"),
        required=False,
        choices=[("", _("按本人的三官一律派驻角色或专家身份")), *ProviderRole.choices],
        help_text=_("工作站人员须选择以何种身份答复;本企业三官一律或专家库成员可留空"),
    )


class CloseForm(af.ActionForm):
    score = forms.TypedChoiceField(
        label=_("企业评价"), choices=[("", _("未评价")), *SCORES], coerce=int, empty_value=None, required=False
    )


# --- page forms ------------------------------------------------------------------------------------------


def speciality_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("涉及领域"), choices=Speciality.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class ConsultationForm(forms.Form):
    """The workstation's form (工作站登记): a question an enterprise asked at the station or on a visit."""

    enterprise = forms.CharField(label=_("企业"), max_length=100, help_text=_("企业全称或统一社会信用代码"))
    channel = forms.ChoiceField(
        label=_("咨询渠道"),
        choices=[(c.value, c.label) for c in ConsultChannel if c != ConsultChannel.PORTAL],
        initial=ConsultChannel.WORKSTATION,
    )
    question = forms.CharField(label=_("咨询问题"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    specialities = speciality_field()
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    difficult = forms.BooleanField(label=_("疑难问题,直接提请专家团"), required=False)


class HotlineForm(forms.Form):
    """The 12345 operator's form (热线转办): ticket, caller, enterprise, urgency, question."""

    ticket_number = forms.CharField(label=_("12345 工单号"), max_length=40)
    caller_name = forms.CharField(label=_("来电人"), max_length=50)
    caller_phone = forms.CharField(label=_("来电号码"), max_length=20)
    enterprise = forms.CharField(label=_("企业"), max_length=100, help_text=_("企业全称或统一社会信用代码"))
    urgent = forms.BooleanField(label=_("紧急(2 小时内答复)"), required=False)
    difficult = forms.BooleanField(label=_("疑难(直接转法律专家团)"), required=False)
    question = forms.CharField(label=_("咨询问题"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    specialities = speciality_field()


class PortalQuestionForm(forms.Form):
    """我要咨询 (企业端)."""

    question = forms.CharField(label=_("咨询问题"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    specialities = speciality_field()
    urgent = forms.BooleanField(label=_("紧急"), required=False)


class PortalRatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("评分"), choices=SCORES, coerce=int)
    comment = forms.CharField(label=_("评价意见"), max_length=500, required=False)


def clean_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    """A page form's cleaned data without the fields the service takes under other names."""
    return {key: value for key, value in data.items() if key not in {"enterprise", "urgent"}}
