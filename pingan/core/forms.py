"""Shared form plumbing for the web UI."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from .concurrency import StaleEdit
from .errors import ApplicationError


def add_service_errors(form: forms.Form, exc: ApplicationError, *, aliases: Mapping[str, str] | None = None) -> None:
    """Put a service's field errors on the form's fields (a service field may be shown under another
    name: `aliases`), the ones for fields the form lacks on the form as a whole, and the message itself
    when the service named no field."""
    aliases = aliases or {}
    if isinstance(exc, StaleEdit):  # the message names every changed field; mark those the form shows
        form.add_error(None, exc.message)
        for name, field_messages in exc.fields.items():
            if (target := aliases.get(name, name)) in form.fields:
                form.add_error(target, field_messages)
        return
    for name, field_messages in exc.fields.items():
        target = aliases.get(name, name)
        for message in field_messages:
            form.add_error(target if target in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)
