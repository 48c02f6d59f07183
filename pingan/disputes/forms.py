"""Parameters of the dispute-specific actions (one form serves the web UI and the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pingan.cases.action_forms import ActionForm
from pingan.cases.choices import Outcome

from .choices import AdvisedRoute


class AssignMediatorForm(ActionForm):
    mediator = forms.CharField(label=_("调解员(用户名)"), max_length=150)


class RecordSessionForm(ActionForm):
    held_at = forms.DateTimeField(label=_("调解时间"))
    place = forms.CharField(label=_("调解地点"), max_length=200, required=False)
    online_link = forms.URLField(label=_("线上调解链接"), required=False)
    attendees = forms.CharField(label=_("参加人员"), max_length=500)
    notes = forms.CharField(label=_("调解情况"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("place") and not cleaned.get("online_link"):
            self.add_error("place", _("请填写调解地点或线上调解链接"))
        return cleaned


class ConcludeForm(ActionForm):
    outcome = forms.ChoiceField(label=_("调解结果"), choices=Outcome.choices)
    terms = forms.CharField(label=_("协议内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    amount = forms.DecimalField(label=_("涉及金额(元)"), required=False, min_value=0, max_digits=14, decimal_places=2)
    advised_route = forms.ChoiceField(
        label=_("调解不成的引导途径"), choices=[("", "—")] + AdvisedRoute.choices, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Outcome.SUCCESS and not (cleaned.get("terms") or "").strip():
            self.add_error("terms", _("调解成功须填写协议内容"))
        if cleaned.get("outcome") == Outcome.FAILURE and not cleaned.get("advised_route"):
            self.add_error("advised_route", _("调解不成须记录引导当事人采取的途径"))
        return cleaned


class RequestConfirmationForm(ActionForm):
    court = forms.CharField(label=_("受理法院(单位代码)"), max_length=40)


class OpenFollowupForm(ActionForm):
    to_org = forms.CharField(label=_("承接单位代码(法院、仲裁委或行政部门)"), max_length=40)
