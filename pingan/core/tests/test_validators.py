"""ID numbers (GB 11643) and phone numbers: what is accepted, what is refused, and what the user reads."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from pingan.core.masking import mask_id_number, mask_name, mask_phone
from pingan.core.validators import normalize_id_number, normalize_phone, validate_id_number, validate_phone

VALID_ID = "430211198503150016"


# GB 11643-1999 §8.2: weights 2^(i-1) mod 11 for positions 18..2, i.e. 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2;
# the remainder of the weighted sum mod 11 maps 0..10 to 1 0 X 9 8 7 6 5 4 3 2. Computed here, not by our code.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check_digit(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def refusal(func, value) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        func(value)
    return info.value


def test_valid_id_number_passes_and_is_normalised():
    assert normalize_id_number(VALID_ID) == VALID_ID
    assert normalize_id_number(" 430211198503150016 ") == VALID_ID
    # The standard's own example (GB 11643-1999, 附录: 北京市朝阳区 1949-12-31, 顺序码 002, check digit X).
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"
    validate_id_number(VALID_ID)


def test_county_code_newer_than_birth_year_passes():
    # 渌口区 430212 was created in 2018; people born there in 1985 keep numbers starting 430212 after
    # re-registration. python-stdnum's is_valid refuses them; the platform must not.
    number = with_check_digit("43021219850315001")
    assert not ric.is_valid(number)
    assert normalize_id_number(number) == number


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("430211198503150011", "id_checksum", "身份证号码校验位错误,请核对"),
        (with_check_digit("43021119851315001"), "id_birth", "身份证号码中的出生日期无效"),
        (with_check_digit("43021119850230001"), "id_birth", "身份证号码中的出生日期无效"),
        (with_check_digit("43021120990315001"), "id_birth", "身份证号码中的出生日期无效"),
        (with_check_digit("99021119850315001"), "id_region", "身份证号码的地区代码无效"),
        ("4302111985031500", "id_format", "身份证号码应为18位,前17位为数字,最后一位为数字或X"),
        ("43021119850315001A", "id_format", "身份证号码应为18位,前17位为数字,最后一位为数字或X"),
    ],
    ids=["check-digit", "month-13", "feb-30", "future", "province", "short", "letter"],
)
def test_bad_id_numbers_are_refused_in_chinese(value, code, message):
    error = refusal(normalize_id_number, value)
    assert error.code == code
    assert error.messages == [message]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0731-22880000", "0731-22880000"),
        ("073122880000", "0731-22880000"),
        ("010-12345678", "010-12345678"),
    ],
)
def test_mobile_and_landline_numbers_pass(value, expected):
    assert normalize_phone(value) == expected
    validate_phone(value)


@pytest.mark.parametrize("value", ["12345", "1380013800", "23800138000", "22880000", "电话", "+1 212 555 0100", ""])
def test_bad_phone_numbers_are_refused_in_chinese(value):
    error = refusal(normalize_phone, value)
    assert error.code in {"phone_format", "phone_invalid"}
    assert "电话号码" in error.messages[0]


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (mask_id_number, VALID_ID, "430211********0016"),
        (mask_id_number, "430202198001011234", "430202********1234"),
        (mask_id_number, "", ""),
        (mask_phone, "13800138000", "138****8000"),
        (mask_phone, "", ""),
        (mask_name, "张三", "张*"),
        (mask_name, "张小明", "张**"),
        (mask_name, "欧阳", "欧*"),
        (mask_name, "张", "张"),
        (mask_name, "", ""),
    ],
)
def test_personal_data_is_masked(func, value, expected):
    assert func(value) == expected


def test_landline_is_masked_in_the_middle():
    masked = mask_phone("0731-22880000")
    assert masked.startswith("073") and masked.endswith("0000") and "2288" not in masked
