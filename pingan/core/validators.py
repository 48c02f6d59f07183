"""Validation of personal identifiers, with clear Chinese messages.

ID numbers (居民身份证号码, GB 11643-1999): python-stdnum's `cn.ric` gives the check digit and birth date,
but its `is_valid` also rejects real numbers whose county code is newer than the holder's birth year
(counties are renamed and renumbered; the number is not). We therefore check structure, the province
prefix, the birth date and the check digit, and not the county table: a prefix of an abolished county
(430221 株洲县, abolished 2018) stays valid for life.

What people type is accepted: spaces of any kind (NBSP, the ideographic space U+3000, …), zero-width
characters, hyphens, full-width digits and Ｘ, lower-case x. A first-generation number (15 digits, GB
11643-1989: area, yymmdd, sequence) is converted to its 18-digit form, which is what is stored and shown.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as ValidationError_

from .masking import mask_id_number

# Long enough for an 18-digit number typed with a separator between every character.
ID_NUMBER_INPUT_MAX_LENGTH = 40
FIRST_GENERATION = re.compile(r"[0-9]{15}")  # GB 11643-1989: area, yymmdd, sequence
SECOND_GENERATION = re.compile(r"[0-9]{17}[0-9X]")  # GB 11643-1999: area, yyyymmdd, sequence, check digit

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


def _compact_id_number(value: str) -> str:
    """The typed characters without separators, in ASCII upper case (NFKC folds full-width digits and Ｘ,
    and most Unicode spaces into a plain space)."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(
        char for char in text if not (char.isspace() or char == "-" or unicodedata.category(char) in ("Zs", "Cf"))
    ).upper()


def normalize_id_number(value: str) -> str:
    """Return the ID number in canonical form (18 characters, upper-case X) or raise ValidationError.
    A 15-digit first-generation number comes back in its 18-digit form ("19" before the year, check digit)."""
    number = _compact_id_number(value)
    if FIRST_GENERATION.fullmatch(number):
        first17 = number[:6] + "19" + number[6:]
        number = first17 + id_check_digit(first17)
    if not SECOND_GENERATION.fullmatch(number):
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


def id_number_conversion_notice(value: str) -> str:
    """What to tell the user who typed `value` (already accepted): that a 15-digit number was stored in its
    18-digit form (masked), or "" for an 18-digit one."""
    if not FIRST_GENERATION.fullmatch(_compact_id_number(value)):
        return ""
    return _("15位身份证号码已转换为18位:%(number)s") % {"number": mask_id_number(normalize_id_number(value))}


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


def credit_code_check_character(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters of a 统一社会信用代码 (python-stdnum's
    `cn.uscc`, pinned and tested at this boundary against outside examples)."""
    if len(first17) != 17:
        raise ValueError("expected the first 17 characters of a unified social credit code")
    return uscc.calc_check_digit(first17.upper())


def normalize_credit_code(value: str) -> str:
    """A 统一社会信用代码 in canonical form (18 characters, upper case, no spaces), or a ValidationError that says
    what is wrong: its length, a character outside GB 32100's alphabet (no I, O, S, V, Z), or the check
    character."""
    code = "".join(str(value).split()).upper()
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位"), code="credit_code_length")
    try:
        uscc.validate(code)
    except InvalidChecksum:
        raise ValidationError(_("统一社会信用代码校验位不正确"), code="credit_code_checksum") from None
    except ValidationError_:
        raise ValidationError(_("统一社会信用代码含有不允许的字符或格式不正确"), code="credit_code_format") from None
    return code


def validate_credit_code(value: str) -> None:
    normalize_credit_code(value)
