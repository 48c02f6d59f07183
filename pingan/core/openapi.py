"""The OpenAPI schema class (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS), apart from core.api: DRF imports the
pagination class while drf-spectacular's AutoSchema imports DRF's generic views."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse

from .api import ErrorSerializer, Pagination, error_responses


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus what holds for every operation and is declared once here: an optional
    query parameter may be sent empty (it then counts as not given), and a paginated list answers 400 for a bad
    `page_size` and 404 for a page that does not exist (Pagination)."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            # The filters read an empty value as "not given" (what an HTML form sends for "any"): say so.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return operation

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        paginator = self._get_paginator()  # type: ignore[no-untyped-call]  # drf-spectacular, untyped
        if self.method == "GET" and isinstance(paginator, Pagination) and self._is_list_view():
            pages = {**error_responses(400), 404: OpenApiResponse(ErrorSerializer, description=_PAGE_NOT_FOUND)}
            for code, response in pages.items():
                if str(code) not in responses:  # what the view declares itself wins
                    responses[str(code)] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                        response, str(code), direction=direction
                    )
        return responses


_PAGE_NOT_FOUND = "页码不存在(超出最后一页),或所查记录不在您的辖区内"
