"""The one application error type. Services raise these; the API and the UI turn them into one shape."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A refusal that the user can understand and correct (HTTP 4xx)."""

    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: Any,
        *,
        field: str | None = None,
        fields: dict[str, list[str]] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code or self.default_code
        self.fields = dict(fields or {})
        if field:
            self.fields.setdefault(field, []).append(self.message)


class NotFoundError(ApplicationError):
    status_code = 404
    default_code = "not_found"


class PermissionDeniedError(ApplicationError):
    status_code = 403
    default_code = "permission_denied"


class ConflictError(ApplicationError):
    """The request is well-formed but the record's current state forbids it (HTTP 409)."""

    status_code = 409
    default_code = "conflict"


class TransitionNotAllowed(ConflictError):
    default_code = "transition_not_allowed"
