"""Reads of the Open311 interface. A request is a case of the engine, however it came in (the phone page,
a counter, the hotline, Open311). Who may read it: anyone, when its service is public (incidents about
things, not people); otherwise only the client that filed it, with its key. A key reads as its
organisation: the public requests of that organisation's jurisdiction, and its own private ones.
Anything else is "not found", as elsewhere in the platform."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from pingan.cases.models import Case, Category
from pingan.core.errors import NotFoundError

from .catalog import KINDS
from .models import Open311Client, Open311Request
from .params import MAX_RESULTS, RequestFilters


def services_all() -> QuerySet[Category]:
    return Category.objects.filter(kind__in=list(KINDS), is_active=True).order_by("kind", "sort_order", "code")


def service_get(*, code: str) -> Category:
    category = services_all().filter(code=code).first()
    if category is None:
        raise NotFoundError(_("service_code“%(code)s”不存在") % {"code": code})
    return category


def client_for_key(raw_key: str) -> Open311Client | None:
    """The active client holding this key, or None. Keys look like `<prefix>.<secret>`."""
    prefix, dot, _secret = raw_key.partition(".")
    if not dot:
        return None
    client = (
        Open311Client.objects.select_related("organization__region", "service_user")
        .filter(key_prefix=prefix, is_active=True)
        .first()
    )
    return client if client is not None and client.key_matches(raw_key) else None


def _public() -> Q:
    """The cases of public services: the public kinds, less the categories about people."""
    scope = Q(pk__in=[])
    for service in KINDS.values():
        if service.public:
            scope |= Q(kind=service.kind) & ~Q(category__code__in=list(service.private_categories))
    return scope


def requests_visible(*, client: Open311Client | None) -> QuerySet[Case]:
    scope = _public()
    if client is not None:
        scope = (scope & Q(region_code__startswith=client.organization.region.prefix)) | Q(open311__client=client)
    return Case.objects.filter(scope).select_related("category", "assigned_org", "open311")


def requests_list(*, client: Open311Client | None, filters: RequestFilters) -> list[Case]:
    """At most 1000 requests, newest first."""
    requests = requests_visible(client=client)
    if filters.ids:
        requests = requests.filter(number__in=filters.ids)
    else:
        requests = requests.filter(registered_at__gte=filters.start, registered_at__lte=filters.end)
        if filters.service_codes:
            requests = requests.filter(category__code__in=filters.service_codes)
        if set(filters.statuses) == {"open"}:
            requests = requests.filter(closed_at__isnull=True)
        elif set(filters.statuses) == {"closed"}:
            requests = requests.filter(closed_at__isnull=False)
    return list(requests.order_by("-registered_at", "-id")[:MAX_RESULTS])


def request_get(*, number: str, client: Open311Client | None) -> Case:
    found = requests_visible(client=client).filter(number=number).first()
    if found is None:
        raise NotFoundError(_("service_request_id“%(id)s”不存在") % {"id": number})
    return found


def request_for_token(*, token: str) -> Open311Request:
    found = Open311Request.objects.select_related("case").filter(token=token).first() if token else None
    if found is None:
        raise NotFoundError(_("token“%(token)s”不存在") % {"token": token})
    return found


def unknown_service_codes(codes) -> list[str]:
    known = set(Category.objects.filter(kind__in=list(KINDS), code__in=list(codes)).values_list("code", flat=True))
    return [code for code in codes if code not in known]
