"""The parts other apps add to the workbench (工作台), so the engine's workbench imports none of them: the
grid worker's grid (grid work), the leader's city view (statistics). Each registers a section from its
app's `ready()`. What `context(user)` returns is merged into the page's context; the section is shown when
any of its values is set (a grid worker's `grid_work`, a leader's `oversight`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pingan.accounts.models import User


@dataclass(frozen=True)
class WorkbenchSection:
    """`template` is included above the user's own cases with `context(user)` merged into the page;
    `actions` (optional) is a template of buttons that come first in the header (e.g. 事件上报 for a grid
    worker, whose first job on the phone is reporting what they see)."""

    name: str
    template: str
    context: Callable[[User], Mapping[str, Any]]
    actions: str = ""


_SECTIONS: dict[str, WorkbenchSection] = {}


def register_section(section: WorkbenchSection) -> None:
    _SECTIONS[section.name] = section


def sections_for(user: User) -> tuple[list[WorkbenchSection], dict[str, Any]]:
    """The sections this user sees, and what they add to the page's context."""
    shown: list[WorkbenchSection] = []
    context: dict[str, Any] = {}
    for section in _SECTIONS.values():
        values = section.context(user)
        context.update(values)
        if any(value is not None for value in values.values()):
            shown.append(section)
    return shown, context
