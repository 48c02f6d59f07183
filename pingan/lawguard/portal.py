"""The enterprise portal's frame (企业端, /qiye/): who may enter (a user with an active EnterpriseAccount),
which enterprise they act for, and the portal's menu, to which the kinds above add their pages
(`register_portal_link` from their `ready()`), as they add sections to the workbench.

    @portal_view
    def my_page(request):            # request.enterprise is the user's enterprise
        ...

A portal user holds no post, so every staff page and API endpoint refuses them (accounts.access); the portal
views are open to them alone, and each reads only its own enterprise's records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from pingan.accounts.access import open_to_everyone, requires

from .models import Enterprise, EnterpriseAccount

NOT_AN_ENTERPRISE = gettext_lazy("企业端只对已开通的企业账号开放")


def enterprise_of(user: Any) -> Enterprise | None:
    """The enterprise a signed-in user acts for in the portal, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    account = (
        EnterpriseAccount.objects.select_related("enterprise", "enterprise__workstation__organization")
        .filter(user=user, is_active=True, enterprise__is_active=True)
        .first()
    )
    return account.enterprise if account else None


def is_enterprise_user(user: Any) -> bool:
    return enterprise_of(user) is not None


def portal_view(view: Callable) -> Callable:
    """A portal page: signed in, holding an active enterprise account; `request.enterprise` is set."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.enterprise = enterprise_of(request.user)
        return view(request, *args, **kwargs)

    return login_required(open_to_everyone(requires(is_enterprise_user, NOT_AN_ENTERPRISE)(wrapped)))


@dataclass(frozen=True)
class PortalLink:
    key: str
    label: str | Promise
    url_name: str
    order: int = 100


_LINKS: dict[str, PortalLink] = {}


def register_portal_link(link: PortalLink) -> None:
    """Add a page to the portal's menu (a kind's app does it from ready())."""
    _LINKS[link.key] = link


def portal_links() -> list[PortalLink]:
    return sorted(_LINKS.values(), key=lambda link: (link.order, link.key))
