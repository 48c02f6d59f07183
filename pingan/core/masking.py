"""How personal data is shown by default (脱敏): 430202********1234, 138****8000, 张**."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if "-" in value:  # fixed line: keep the area code and the last four digits (0731-****0000)
        area, _sep, local = value.partition("-")
        return f"{area}-{'*' * max(len(local) - 4, 0)}{local[-4:]}"
    digits = value
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str) -> str:
    if not value:
        return ""
    if len(value) == 1:
        return value
    return value[0] + "*" * (len(value) - 1)


# The personal identifiers a form may show masked, and how (MASKS[name](stored)).
MASKS: dict[str, Callable[[str], str]] = {"phone": mask_phone, "id_number": mask_id_number}
# The help text of such a field while it shows a masked value.
MASKED_FIELD_HELP = _("已脱敏显示;不修改则保持原值,修改请输入完整号码")


def kept_or_typed(name: str, typed: str, stored: str) -> str:
    """A form field that showed the stored `name` (phone, id_number) masked, posted back: the stored value
    when its mask comes back untouched, else what was typed (stripped; an empty field clears it). The one
    rule of the back office (core.admin.MaskedPersonalDataForm) and the pages (gridwork's member form)."""
    typed = (typed or "").strip()
    return stored if stored and typed == MASKS[name](stored) else typed
