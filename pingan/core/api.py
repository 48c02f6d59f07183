"""API base: the one JSON error shape, pagination, and a base view that maps application errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .audit import UNMASK_REASON_MIN_LENGTH
from .errors import ApplicationError

_DRF_MESSAGES: dict[type[exceptions.APIException], tuple[str, Callable[[], str]]] = {
    exceptions.NotAuthenticated: ("not_authenticated", lambda: _("未登录或令牌无效,请先认证")),
    exceptions.AuthenticationFailed: ("authentication_failed", lambda: _("认证失败:令牌无效或已停用")),
    exceptions.PermissionDenied: ("permission_denied", lambda: _("没有执行此操作的权限")),
    exceptions.NotFound: ("not_found", lambda: _("记录不存在或不在您的辖区内")),
    exceptions.ParseError: ("malformed_request", lambda: _("请求内容格式错误(不是合法的 JSON 或表单)")),
    exceptions.MethodNotAllowed: ("method_not_allowed", lambda: _("不支持此请求方法")),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", lambda: _("不支持的请求内容类型")),
    exceptions.NotAcceptable: ("not_acceptable", lambda: _("无法提供所请求的格式")),
    exceptions.Throttled: ("throttled", lambda: _("请求过于频繁,请稍后再试")),
}


class ReasonField(serializers.CharField):
    """The reason given for seeing personal data in full (查看事由, core.audit.unmask_reason's rule: at least
    4 characters, 2 of them letters). The schema carries what a pattern can say of it (4 characters, not only
    spaces); "2 of them letters" (any script's letters, Unicode category L) needs a property class that
    OpenAPI 3.0's patterns do not have, so the service checks it (400, the Chinese message)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("min_length", UNMASK_REASON_MIN_LENGTH)
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(r"\S[\s\S]*\S", message=_("请填写事由(至少4个字)")))


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()
    # A declared field named like Serializer.fields: DRF's metaclass takes it out of the class, the stubs
    # cannot know that.
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]


class ErrorSerializer(serializers.Serializer[Any]):
    """The one error shape of the API: {"error": {"code", "message", "fields"}}."""

    error = ErrorDetailSerializer()


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def not_found_body() -> dict[str, Any]:
    """The 404 of the API, also for URLs that match no route (core.views.page_not_found)."""
    code, message = _DRF_MESSAGES[exceptions.NotFound]
    return error_body(code, message())


def _flatten(detail: object, prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                out.update(_flatten(item, f"{prefix}[{index}]"))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        first = next(iter(fields.values()))[0]
        return Response(error_body("invalid", first, fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):  # DRF answers only its own
        return response
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.values()))[0] if fields else _("提交的数据有误")
        response.data = error_body("invalid", first, fields)
        return response
    known = _DRF_MESSAGES.get(type(exc))
    response.data = error_body(known[0], known[1]()) if known else error_body(str(exc.default_code), str(exc.detail))
    return response


# For the large map layers (outlines, camera points, case heat), which are plain data with no secret
# beside reflected input, so compressing them does not open the BREACH side channel that compressing
# pages with CSRF tokens would. Closed networks are often slow: 2.5 MB of points shrink to ~0.5 MB.
compressed = method_decorator(gzip_page)


class Pagination(PageNumberPagination):
    """Pages of 50, `page_size` 1–500. What the OpenAPI document says is what is accepted: a `page_size` that is
    not an integer in range answers 400 (DRF would quietly fall back to 50 or clamp), a `page` that is not a
    positive integer or lies past the last page answers 404 (DRF's own rule), both in the one error shape."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            message = _("每页条数须为 1 到 %(max)d 之间的整数") % {"max": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


class FirstRendererNegotiation(BaseContentNegotiation):
    """For endpoints that stream a file: ignore the Accept header (the file is returned as an HttpResponse
    whatever it says); errors are still rendered by the first renderer, in the one JSON error shape."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        first = next(iter(renderers))
        return first, first.media_type


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """OpenAPI documentation of the error answers an endpoint gives, all in the one error shape."""
    return {code: OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code]) for code in codes}


_ERROR_DESCRIPTIONS = {
    400: "提交的数据有误(字段错误见 error.fields)",
    401: "未认证",
    403: "没有权限",
    404: "记录不存在或不在您的辖区内",
    409: "案件当前状态不允许该操作",
    413: "请求内容过大",
    422: "幂等键(Idempotency-Key)已用于另一请求",
    503: "数据库暂时不可用,请按 Retry-After 稍后重试",
    429: "登录失败次数过多,账号或来源地址已锁定(何时可再试见 Retry-After 头)",
}
