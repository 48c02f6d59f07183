"""Transitions that every case kind declares the same way (督办, 申请延期, 审批延期), and the short
constructor the kinds' declarations use. A kind says only from which states they apply and who handles."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from pingan.accounts.choices import Role

from . import action_forms as af
from . import services as cs
from .workflows import Transition

CENTRE = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})


def T(action, label, sources, target, handler, form=af.ActionForm, **kwargs) -> Transition:  # noqa: N802
    return Transition(
        action=action, label=label, sources=frozenset(sources), target=target, handler=handler, form=form, **kwargs
    )


def supervise(sources: Iterable[str]) -> Transition:
    """督办: a centre above the case, or a leader, presses the handler (counted, notified)."""
    return T(
        "supervise",
        _("督办"),
        sources,
        None,
        cs.handle_supervise,
        af.ReasonForm,
        superior_roles=CENTRE | {Role.LEADER},
        style="danger",
    )


def request_extension(sources: Iterable[str], *, roles: frozenset[str]) -> Transition:
    """申请延期: the handler asks for more time; one request may be pending at a time."""
    return T(
        "request_extension",
        _("申请延期"),
        sources,
        None,
        cs.handle_request_extension,
        af.RequestExtensionForm,
        roles=roles,
        assignee=True,
        condition=cs.has_no_pending_extension,
        condition_message=_("已有待审批的延期申请"),
        style="secondary",
    )


def approve_extension(sources: Iterable[str]) -> Transition:
    """审批延期: the head of the case's centre, or a centre above it, decides; approval moves the deadline."""
    return T(
        "approve_extension",
        _("审批延期"),
        sources,
        None,
        cs.handle_approve_extension,
        af.ApproveExtensionForm,
        roles=frozenset({Role.CENTRE_HEAD}),
        superior_roles=CENTRE,
        condition=cs.has_pending_extension,
        condition_message=_("没有待审批的延期申请"),
    )
