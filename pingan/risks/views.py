"""The risk register's pages: the register (/risks/, filtered by the one RiskFilter the API shares) and the
"new risk" form. A risk's detail is the engine's case page, with the kind's panels and its actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from pingan.accounts.access import requires, signed_in_user
from pingan.cases.services import can_register
from pingan.cases.views import place_errors
from pingan.core.errors import ApplicationError
from pingan.regions.selectors import organization_by_code, region_by_code

from . import selectors, services
from .filters import RiskFilter
from .forms import PeopleFormSet, RiskRaiseForm

PAGE_SIZE = 30


@login_required
def risk_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filterset = RiskFilter(request.GET, queryset=selectors.risks_for(user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "risks": page.object_list,
        "can_raise": can_register(user),
        "filtered": any(request.GET.get(name) for name in filterset.filters),
    }
    return render(request, "risks/risk_list.html", context)


def _raise_data(form: RiskRaiseForm, people: list[dict[str, Any]]) -> dict[str, Any]:
    """The form's values as `risk_raise` takes them (codes looked up; unknown ones are field errors)."""
    data = form.cleaned_data
    region = None
    if data["region"]:
        region = region_by_code(data["region"].strip())
        if region is None:
            raise ApplicationError(_("区划代码“%(code)s”不存在") % {"code": data["region"]}, field="region")
    owner = None
    if data["owner_org"]:
        owner = organization_by_code(data["owner_org"].strip(), field="owner_org")
    return {
        "category": data["category"],
        "title": data["title"],
        "description": data["description"],
        "source": data["source"],
        "likelihood": data["likelihood"],
        "impact": data["impact"],
        "region": region,
        "owner_org": owner,
        "address": data["address"],
        "lat": data["lat"],
        "lng": data["lng"],
        "grid_codes": [code for code in data["grid_codes"].replace(",", ",").split(",") if code.strip()],
        "parties": people,
    }


@requires(can_register, gettext_lazy("您的岗位不能登记风险"))
@login_required
@never_cache
def risk_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    matrix = services.active_matrix()
    labels = (list(matrix.likelihood_labels), list(matrix.impact_labels))
    status = 200
    general_errors: list[str] = []
    if request.method == "POST":
        form = RiskRaiseForm(request.POST, matrix_labels=labels)
        formset = PeopleFormSet(request.POST, prefix="parties")
        status = 400
        if form.is_valid() and formset.is_valid():
            rows = formset.parties()
            try:
                case = services.risk_raise(actor=user, **_raise_data(form, [party for _index, party in rows]))
            except ApplicationError as exc:
                general_errors = place_errors(exc, form, formset, [index for index, _party in rows])
                if "location" in exc.fields:
                    form.add_error("region", exc.fields["location"][0])
                    general_errors = [m for m in general_errors if m not in exc.fields["location"]]
                status = exc.status_code
            else:
                messages.success(request, _("风险 %(number)s 已登记") % {"number": case.number})
                for notice in formset.id_number_notices():
                    messages.info(request, notice)
                return redirect("case-detail", case_id=case.pk)
    else:
        form = RiskRaiseForm(matrix_labels=labels)
        formset = PeopleFormSet(prefix="parties")
    context = {"form": form, "formset": formset, "general_errors": general_errors}
    return render(request, "risks/risk_form.html", context, status=status)
