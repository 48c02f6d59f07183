"""Reads of the case engine. Every list, detail, export and statistic starts from `cases_visible_to`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from pingan.accounts.models import User
from pingan.core.errors import NotFoundError
from pingan.core.masking import mask_id_number, mask_phone
from pingan.core.validators import normalize_id_number, normalize_phone
from pingan.regions.selectors import user_prefixes

from . import workflows
from .models import Case, CaseEvent, CaseQuerySet, Party

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def cases_visible_to(user: User | AnonymousUser) -> CaseQuerySet:
    """Cases inside the jurisdiction subtrees of the user's organisations; nothing for anyone else."""
    return Case.objects.within(user_prefixes(user))


def case_list(*, user: User | AnonymousUser) -> CaseQuerySet:
    return cases_visible_to(user).select_related("category", "region", "assigned_org", "assignee")


def case_detail(*, user: User | AnonymousUser) -> CaseQuerySet:
    return (
        case_list(user=user)
        .select_related("assigned_org__region", "intake_org", "created_by", "parent")
        .prefetch_related("parties", "attachments__uploaded_by", "children")
    )


def case_visible_or_404(queryset: QuerySet[Case], case_id: int | str) -> Case:
    """One case out of a visible queryset (case_list / case_detail); anything else is simply not found."""
    case = queryset.filter(pk=case_id).first()
    if case is None:
        raise NotFoundError(_("案件不存在或不在您的辖区内"))
    return case


def _normalized(normalize: Callable[[str], str], text: str) -> str:
    try:
        return normalize(text)
    except ValidationError:
        return ""


@dataclass(frozen=True)
class CaseSearch:
    """What the case list's search box (`q`) means: part of a case number, title or address, and — when
    the text is one — a party's ID number or phone, matched exactly in canonical form (an ID typed with
    spaces, in full width or with 15 digits; a phone in any format phonenumbers reads)."""

    text: str
    id_number: str = ""
    phone: str = ""

    @classmethod
    def parse(cls, text: str) -> CaseSearch:
        text = (text or "").strip()
        if not text:
            return cls(text)
        return cls(text, id_number=_normalized(normalize_id_number, text), phone=_normalized(normalize_phone, text))

    @property
    def personal(self) -> dict[str, str]:
        """The personal identifiers searched for, masked: what the audit log keeps."""
        found = {"id_number": mask_id_number(self.id_number), "phone": mask_phone(self.phone)}
        return {name: masked for name, masked in found.items() if masked}

    @property
    def shown(self) -> str:
        """The search text as logs may keep it: masked when it is a personal identifier."""
        return "/".join(self.personal.values()) or self.text

    def apply[QS: QuerySet[Case]](self, queryset: QS) -> QS:
        if not self.text:
            return queryset
        match = Q(number__icontains=self.text) | Q(title__icontains=self.text) | Q(address__icontains=self.text)
        for field in ("id_number", "phone"):
            if value := getattr(self, field):
                match |= Q(Exists(Party.objects.filter(case=OuterRef("pk"), **{field: value})))
        return queryset.filter(match)


def cases_misplaced() -> CaseQuerySet:
    """For the operators' repair command (no user: the whole installation): open cases held by an
    organisation whose type their workflow does not admit, e.g. incidents dispatched to a mediation
    committee before workflows declared their organisation types."""
    held = Q(pk__in=[])
    for workflow in workflows.kinds():
        held |= Q(kind=workflow.kind) & ~Q(assigned_org__org_type__in=workflow.org_types)
    return Case.objects.open().filter(held).select_related("assigned_org", "region").order_by("number")


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor", "actor_org").order_by("created_at", "id")


def my_work(*, user: User) -> CaseQuerySet:
    """The workbench: open cases of my organisations or assigned to me, soonest deadline first."""
    org_ids = [m.organization_id for m in user.active_memberships]
    return (
        case_list(user=user).open().filter(Q(assigned_org_id__in=org_ids) | Q(assignee=user)).order_by("deadline", "id")
    )
