"""Open311 GeoReport v2 endpoints under /open311/v2/ (https://wiki.open311.org/GeoReport_v2).

Plain Django views rather than the DRF API: the standard fixes its own formats (form-encoded POSTs, XML
and JSON answers) and its own error shape — a list of {code, description} with HTTP 400 (bad request),
403 (missing or wrong api_key) or 404 (no such resource). Reads need no key; a key adds the private
requests its client filed. Filing needs a key and is limited per key and minute."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Literal, overload

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from pingan.core.errors import ApplicationError, NotFoundError
from pingan.core.idempotency import idempotent_response

from . import catalog, output, params, selectors, services
from .models import Open311Client
from .params import Open311Error

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Sortable date of the last change of this endpoint's contract (discovery's changeset).
CHANGESET = "2026-11-30T00:00:00+08:00"
RATE_WINDOW = 60
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def jurisdiction_id() -> str:
    return getattr(settings, "PINGAN_OPEN311_JURISDICTION_ID", "zhuzhou.gov.cn")


def _messages(exc: ApplicationError) -> list[str]:
    found = [message for messages in exc.fields.values() for message in messages] or [exc.message]
    return list(dict.fromkeys(found))


def open311(*methods: str) -> Callable:
    """Method and jurisdiction checks, and every refusal in the spec's error shape and format."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view: Callable) -> Callable:
        @login_not_required  # public by design (GeoReport v2), signed in or not
        @csrf_exempt  # third-party clients post with an api_key, never with a session
        @wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            if request.method not in allowed:
                response = output.errors(fmt, 405, [_("不支持 %(method)s 请求") % {"method": request.method}])
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                given = (request.POST.get("jurisdiction_id") or request.GET.get("jurisdiction_id") or "").strip()
                if given and given != jurisdiction_id():
                    raise Open311Error(404, _("jurisdiction_id“%(id)s”不存在") % {"id": given})
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                response = output.errors(fmt, exc.status, exc.descriptions)
                if exc.status == 429:
                    response["Retry-After"] = str(RATE_WINDOW)
                return response
            except NotFoundError as exc:
                return output.errors(fmt, 404, [exc.message])
            except ApplicationError as exc:  # the engine refused the case: a bad request in Open311 terms
                return output.errors(fmt, 400, _messages(exc))

        return wrapper

    return decorator


@overload
def _client(request: HttpRequest, *, required: Literal[True]) -> Open311Client: ...
@overload
def _client(request: HttpRequest, *, required: Literal[False]) -> Open311Client | None: ...
def _client(request: HttpRequest, *, required: bool) -> Open311Client | None:
    raw = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if not raw:
        if required:
            raise Open311Error(403, _("缺少 api_key:提交诉求须使用签发给接入单位的密钥"))
        return None
    client = selectors.client_for_key(raw)
    if client is None:
        raise Open311Error(403, _("api_key 无效或已停用"))
    return client


def _window() -> int:
    return int(time.time() // RATE_WINDOW)


def _throttle(client: Open311Client) -> None:
    key = f"open311:rate:{client.key_prefix}:{_window()}"
    cache.add(key, 0, timeout=RATE_WINDOW * 2)
    if cache.incr(key) > client.rate_limit:
        raise Open311Error(
            429, _("提交过于频繁:本应用每分钟最多提交%(limit)d件,请稍后再试") % {"limit": client.rate_limit}
        )


@open311("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    services_url = reverse("open311-services", kwargs={"fmt": fmt})
    endpoint = request.build_absolute_uri(services_url.rsplit("/", 1)[0])
    data = {
        "changeset": CHANGESET,
        "contact": str(getattr(settings, "PINGAN_OPEN311_CONTACT", _("株洲市综治中心(市域社会治理平台)"))),
        "key_service": _("api_key 由平台系统管理员为接入单位签发(后台“Open311 接入应用”)"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint,
                "changeset": CHANGESET,
                "type": "production",
                "formats": [output.CONTENT_TYPES["xml"].split(";")[0], output.CONTENT_TYPES["json"].split(";")[0]],
            }
        ],
    }
    return output.render(fmt, "discovery", data)


@open311("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return output.render(fmt, "services", [output.service_item(c) for c in selectors.services_all()])


@open311("GET")
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    category = selectors.service_get(code=service_code)
    client = _client(request, required=False)  # with a key: the regions of the client's jurisdiction
    organization = client.organization if client is not None else None
    return output.render(fmt, "service_definition", output.service_definition(category, organization))


@open311("GET", "POST")
def request_collection(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _file(request, fmt)
    client = _client(request, required=False)
    filters = params.parse_filters(request.GET)
    unknown = selectors.unknown_service_codes(filters.service_codes)
    if unknown:
        raise Open311Error(400, [_("service_code“%(code)s”不存在") % {"code": code} for code in unknown])
    found = selectors.requests_list(client=client, filters=filters)
    return output.render(fmt, "service_requests", [output.request_item(case) for case in found])


def _file(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.content_type not in FORM_TYPES:
        raise Open311Error(
            400, _("请以 application/x-www-form-urlencoded 提交(收到 %(type)s)") % {"type": request.content_type}
        )
    client = _client(request, required=True)
    _throttle(client)
    code = request.POST.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("缺少 service_code"))
    category = selectors.service_get(code=code)
    new = params.parse_new_request(request.POST, catalog.service_kind(category.kind))

    def file() -> HttpResponse:
        filed = services.request_file(client=client, category=category, new=new)
        return output.render(fmt, "service_requests", [output.filed_item(filed)])

    # A retry with the same Idempotency-Key answers the first filing again (keys per client); another
    # request under a used key is the spec's error list with 422.
    return idempotent_response(
        request,
        scope=f"open311:{client.pk}",
        call=file,
        refuse=lambda message: output.errors(fmt, 422, [message]),
    )


@open311("GET")
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    client = _client(request, required=False)
    case = selectors.request_get(number=service_request_id.strip().upper(), client=client)
    return output.render(fmt, "service_requests", [output.request_item(case)])


@open311("GET")
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    filed = selectors.request_for_token(token=token)
    return output.render(fmt, "service_requests", [{"service_request_id": filed.case.number, "token": filed.token}])


@login_not_required
def not_found(request: HttpRequest, path: str) -> HttpResponse:
    """Anything else under /open311/v2/: the spec's 404, in JSON when the path asks for it."""
    fmt = "json" if path.endswith(".json") else "xml"
    message = _("没有这个资源:%(path)s(资源须以 .json 或 .xml 结尾)") % {"path": request.path}
    return output.errors(fmt, 404, [message])
