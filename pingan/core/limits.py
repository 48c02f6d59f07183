"""Limits on what the API reads: JSON nested deeper than PINGAN_API_JSON_MAX_DEPTH is a 400, a body larger
than PINGAN_API_JSON_MAX_BYTES (JSON) or DATA_UPLOAD_MAX_MEMORY_SIZE (forms) a 413, both in the API's one
JSON error shape.

Python's json module parses recursively: a body of 100 000 `[` raised RecursionError, which no handler
expected (a 500). The parser below catches it, then measures the depth of what it parsed without recursion.
The size is checked before reading (Content-Length) and while reading (a chunked body has no length)."""

from __future__ import annotations

import codecs
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.utils import json


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = "请求内容过大"


class JSONTooDeep(exceptions.ParseError):
    default_code = "json_too_deep"


def too_large_message(limit: int) -> str:
    return _("请求内容过大:接口每次最多接收 %(size)s") % {"size": f"{limit / (1024 * 1024):g} MB"}


def too_deep_message(limit: int) -> str:
    return _("JSON 嵌套过深:最多 %(depth)d 层") % {"depth": limit}


def json_depth(value: object, limit: int) -> int:
    """How deeply `value` nests lists and objects (a scalar is 0, `[]` is 1), counting no further than
    limit + 1; level by level without recursion, so that measuring cannot fail on what it measures."""
    depth = 0
    level: list[Any] = [value] if isinstance(value, (dict, list)) else []
    while level and depth <= limit:
        depth += 1
        below: list[Any] = []
        for item in level:
            children = item.values() if isinstance(item, dict) else item
            below.extend(child for child in children if isinstance(child, (dict, list)))
        level = below
    return depth


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser with a size limit (413) and a depth limit (400)."""

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        max_bytes: int = settings.PINGAN_API_JSON_MAX_BYTES
        max_depth: int = settings.PINGAN_API_JSON_MAX_DEPTH
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and str(declared).isdigit() and int(declared) > max_bytes:
            raise RequestTooLarge(too_large_message(max_bytes))
        raw = stream.read(max_bytes + 1) if stream is not None else b""
        if len(raw) > max_bytes:
            raise RequestTooLarge(too_large_message(max_bytes))
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text) if self.strict else json.loads(text, parse_constant=None)
        except RecursionError:
            raise JSONTooDeep(too_deep_message(max_depth)) from None
        except (ValueError, LookupError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        # Fewer brackets than the limit cannot nest deeper than it (most bodies): no walk needed.
        if text.count("[") + text.count("{") > max_depth and json_depth(data, max_depth) > max_depth:
            raise JSONTooDeep(too_deep_message(max_depth))
        return data
