"""Transitions that every case kind declares the same way (督办, 申请延期, 审批延期), and the short
constructor the kinds' declarations use. A kind says only from which states they apply and who handles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from pingan.accounts.choices import Role

from . import action_forms as af
from . import clocks
from . import services as cs
from .workflows import Transition

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from .workflows import Handler

CENTRE = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})


def T(  # noqa: N802
    action: str,
    label: str | Promise,
    sources: Iterable[str],
    target: str | None,
    handler: Handler,
    form: type[af.ActionForm] = af.ActionForm,
    **kwargs: Any,
) -> Transition:
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


def suspend(sources: Iterable[str], target: str, *, roles: frozenset[str]) -> Transition:
    """挂起 (中止): the case waits in the kind's suspended state `target`, with a reason; its clocks pause
    and keep the time they had left. Who may: the roles (and the assignee) that may ask for more time. A
    case past its deadline cannot be suspended (an extension is the remedy)."""
    return T(
        "suspend",
        _("挂起"),
        sources,
        target,
        clocks.handle_suspend,
        af.SuspendForm,
        roles=roles,
        assignee=True,
        condition=clocks.can_suspend,
        condition_message=_("案件已超过办理期限,不能挂起;如需更多时间请申请延期"),
        style="secondary",
    )


def resume(sources: Iterable[str], *, roles: frozenset[str]) -> Transition:
    """恢复: the clocks run again with the time they had left; the case goes back to the state it was
    suspended from."""
    return T(
        "resume",
        _("恢复办理"),
        sources,
        None,
        clocks.handle_resume,
        roles=roles,
        assignee=True,
    )


def exclude_period(
    sources: Iterable[str], *, roles: frozenset[str], superior_roles: frozenset[str] = CENTRE
) -> Transition:
    """扣除不计时期间: a period (鉴定、公告 …) entered with both ends does not count on a clock."""
    return T(
        "exclude_period",
        _("扣除不计时期间"),
        sources,
        None,
        clocks.handle_exclude_period,
        af.ExcludePeriodForm,
        roles=roles,
        superior_roles=superior_roles,
        style="secondary",
    )
