"""The leader's city view on the workbench. A template tag, so that the case engine's workbench view does not
import this app: the workbench template asks for it (`{% leader_oversight as oversight %}`)."""

from __future__ import annotations

from django import template

from pingan.accounts.choices import Role
from pingan.stats.oversight import Oversight
from pingan.stats.oversight import leader_oversight as oversight_of

register = template.Library()


@register.simple_tag(takes_context=True)
def leader_oversight(context) -> Oversight | None:
    """A leader's (政法委) oversight of their jurisdiction; nothing for anyone else."""
    user = context["request"].user
    return oversight_of(user=user) if user.has_role(Role.LEADER) else None
