"""Panels one app adds to the case detail page of OTHER kinds, which it names, so that neither the engine nor
those kinds import it (e.g. the risk register's "升级为风险" on dispute and incident pages). A kind's own panels
are declared on its Workflow (`Workflow.panels`); these are the panels of an app that looks in from outside.

An app registers a `DetailExtension` from its `ready()`. On the detail page of a case whose kind is in `kinds`,
`context(case, user)` is merged into the page's context and `template` is included in the main column (or the
side column with `column="side"`). As on the workbench (cases.workbench), the panel is shown when any value
of its context is set (not None): return `{"my_panel": None}` for a user who may not use it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pingan.accounts.models import User

    from .models import Case


@dataclass(frozen=True)
class DetailExtension:
    """`name` is unique per extension (registering the same name again replaces it)."""

    name: str
    kinds: frozenset[str]
    template: str
    context: Callable[[Case, User], Mapping[str, Any]]
    column: str = "main"

    def __post_init__(self) -> None:
        if self.column not in ("main", "side"):
            raise ValueError(f"detail extension {self.name}: column must be 'main' or 'side'")
        if not self.kinds:
            raise ValueError(f"detail extension {self.name}: name the kinds whose pages it extends")


_EXTENSIONS: dict[str, DetailExtension] = {}


def register_detail_extension(extension: DetailExtension) -> DetailExtension:
    _EXTENSIONS[extension.name] = extension
    return extension


def unregister_detail_extension(name: str) -> None:
    """Remove an extension (for one registered inside a test)."""
    _EXTENSIONS.pop(name, None)


def detail_extensions(kind: str) -> list[DetailExtension]:
    """The extensions registered for pages of `kind`, in the order they were registered."""
    return [extension for extension in _EXTENSIONS.values() if kind in extension.kinds]


def extensions_for(case: Case, user: User) -> tuple[list[DetailExtension], dict[str, Any]]:
    """The extensions this user sees on the case's page, and what they add to the page's context."""
    shown: list[DetailExtension] = []
    context: dict[str, Any] = {}
    for extension in detail_extensions(case.kind):
        values = extension.context(case, user)
        context.update(values)
        if not values or any(value is not None for value in values.values()):
            shown.append(extension)
    return shown, context
