"""Validation of personal identifiers, with clear Chinese messages.

ID numbers (居民身份证号码, GB 11643-1999): python-stdnum's `cn.ric` gives the check digit and birth date,
but its `is_valid` also rejects real numbers whose county code is newer than the holder's birth year
(counties are renamed and renumbered; the number is not). We therefore check structure, the province
prefix, the birth date and the check digit, and not the county table.
"""

from __future__ import annotations

import datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

PROVINCE_PREFIXES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
}


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check digit (0-9 or X) of the first 17 digits of an ID number.

    python-stdnum's `calc_check_digit` takes the number *with* a check digit in place (since 2.2: it drops
    the last character), so a placeholder is appended; a test pins this against the standard's example."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("expected the first 17 digits of an ID number")
    return ric.calc_check_digit(first17 + "0")


def normalize_id_number(value: str) -> str:
    """Return the ID number in canonical form (18 characters, upper-case X) or raise ValidationError."""
    number = ric.compact(value or "").upper()
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号码应为18位,前17位为数字,最后一位为数字或X"), code="id_format")
    if number[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(_("身份证号码的地区代码无效"), code="id_region")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效"), code="id_birth") from None
    if birth < datetime.date(1880, 1, 1) or birth > timezone.localdate():
        raise ValidationError(_("身份证号码中的出生日期无效"), code="id_birth")
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位错误,请核对"), code="id_checksum")
    return number


def normalize_phone(value: str) -> str:
    """Return a Chinese mobile (13800138000) or fixed-line number (0731-22880000), or raise ValidationError."""
    raw = (value or "").strip()
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("电话号码格式不正确"), code="phone_format") from None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("电话号码无效,请填写11位手机号或带区号的固定电话"), code="phone_invalid")
    national = str(parsed.national_number)
    if (
        phonenumbers.number_type(parsed)
        in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
        and len(national) == 11
    ):
        return national
    area = phonenumbers.length_of_geographical_area_code(parsed)
    return f"0{national[:area]}-{national[area:]}" if area else national


def validate_id_number(value: str) -> None:
    normalize_id_number(value)


def validate_phone(value: str) -> None:
    normalize_phone(value)
