"""Citizen tracking (群众查询): a party follows their case with its number and their phone's last four
digits. Shows progress, never personal data or staff comments; attempts are throttled per address."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.core.middleware import client_ip

from . import workflows
from .events import public_event_types
from .models import Case

MAX_ATTEMPTS = 10
WINDOW_SECONDS = 600


# A case number as `services.case_number_next` writes it: a kind's two letters, the date, a daily serial
# (MJ20221103-0042). Phones offer letters for it (upper case), digits for the phone's last four.
CASE_NUMBER_PATTERN = r"[A-Za-z]{2}[0-9]{8}-[0-9]{4,}"


class TrackForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("案件编号"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                "autocorrect": "off",
                "spellcheck": "false",
                "pattern": CASE_NUMBER_PATTERN,
                "placeholder": gettext_lazy("如 MJ20221103-0042"),
                "title": gettext_lazy("两个字母、8位日期、短横线和序号,如 MJ20221103-0042"),
            }
        ),
    )
    phone_tail = forms.RegexField(
        label=gettext_lazy("登记电话后四位"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": gettext_lazy("请输入4位数字")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "pattern": "[0-9]{4}",
                "autocomplete": "off",
                "title": gettext_lazy("4位数字"),
            }
        ),
    )


def case_for_citizen(*, number: str, phone_tail: str) -> Case | None:
    case = Case.objects.select_related("category", "assigned_org").filter(number=number.strip().upper()).first()
    if case is None or not any(p.phone.endswith(phone_tail) for p in case.parties.all() if p.phone):
        return None
    return case


@login_not_required
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        key = f"track:{client_ip(request)}"
        attempts = cast(int, cache.get_or_set(key, 0, WINDOW_SECONDS))  # the count set here: never None
        if attempts >= MAX_ATTEMPTS:
            context["error"] = _("查询过于频繁,请10分钟后再试")
            return render(request, "cases/public_track.html", context, status=429)
        cache.set(key, attempts + 1, WINDOW_SECONDS)
        case = case_for_citizen(number=form.cleaned_data["number"], phone_tail=form.cleaned_data["phone_tail"])
        if case is None:
            context["error"] = _("未找到与编号和电话相符的案件")
            return render(request, "cases/public_track.html", context, status=404)
        workflow = workflows.get(case.kind)
        public = public_event_types()
        context.update(
            case=case,
            kind_label=workflow.label,
            status_label=workflow.state_label(case.status),
            events=[e for e in case.events.order_by("created_at", "id") if e.type in public],
        )
    return render(request, "cases/public_track.html", context)
