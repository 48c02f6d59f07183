"""ID numbers (GB 11643) and phone numbers: what is accepted, what is refused, and what the user reads."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from pingan.core.masking import mask_id_number, mask_name, mask_phone
from pingan.core.testing import standard_ids, with_check_digit, with_wrong_check_digit
from pingan.core.validators import (
    id_check_digit,
    id_number_conversion_notice,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

VALID_ID = "430211198503150016"


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


def test_check_digits_match_the_standards_formula_for_hand_computed_vectors():
    # GB 11643-1999 §8.2 worked by hand for 11010519491231002: 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+
    # 1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167; 167 mod 11 = 2 → X (the standard's own example).
    assert id_check_digit("11010519491231002") == "X"
    # 430211198503150016: 4·7+3·9+0·10+2·5+1·8+1·4+1·2+9·1+8·6+5·3+0·7+3·9+1·10+5·5+0·8+0·4+1·2 = 215;
    # 215 mod 11 = 6 → 6.
    assert id_check_digit("43021119850315001") == "6"


def test_a_thousand_numbers_by_the_standard_pass_and_with_a_wrong_check_digit_fail():
    rng = random.Random(11643)
    numbers = standard_ids(1000, rng)
    assert [normalize_id_number(n) for n in numbers] == numbers
    for number in numbers:
        wrong = with_wrong_check_digit(number, rng)
        with pytest.raises(ValidationError) as info:
            normalize_id_number(wrong)
        assert info.value.code == "id_checksum", wrong


def test_stdnum_calc_check_digit_still_takes_the_number_with_its_check_digit():
    # python-stdnum 2.2 changed cn.ric.calc_check_digit to expect all 18 characters (it ignores the last);
    # id_check_digit relies on that. If a later version changes it again, this fails before users do.
    for number in standard_ids(200, random.Random(2)):
        assert ric.calc_check_digit(number) == number[17]
        assert ric.calc_check_digit(number[:17] + "0") == number[17]
    assert ric.calc_check_digit("11010519491231002X") == "X"
    assert ric.calc_check_digit("11010519491231002") != "X"  # 17 characters: the 2 is taken as the check digit


@pytest.mark.parametrize(
    "typed",
    [
        " 11010519491231002X ",
        "110105 19491231 002X",
        "110105\u00a019491231\u00a0002X",  # NBSP, as copied from a web page
        "110105\u300019491231\u3000002X",  # ideographic space, as typed with a Chinese IME
        "110105\u200919491231\u202f002X\t",  # thin and narrow no-break spaces, a tab
        "\ufeff110105\u200b19491231002X",  # BOM and zero-width space from a spreadsheet
        "110105-19491231-002X",
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and Ｘ
        "１１０１０５１９４９１２３１００２ｘ",  # full-width ｘ
        "11010519491231002x",
    ],
    ids=[
        "outer-spaces",
        "inner-spaces",
        "nbsp",
        "ideographic",
        "thin-tab",
        "zero-width",
        "hyphens",
        "fullwidth-X",
        "fullwidth-x",
        "lower-x",
    ],
)
def test_what_people_type_is_accepted_and_stored_in_canonical_form(typed):
    assert normalize_id_number(typed) == "11010519491231002X"
    assert id_number_conversion_notice(typed) == ""


@pytest.mark.parametrize(
    ("typed", "first17"),
    [
        # GB 11643-1989 first-generation numbers: area, yymmdd, sequence; the 18-digit form inserts "19"
        # before the year and adds the check digit (computed here by the standard's formula).
        ("110105491231002", "11010519491231002"),
        ("430211850315001", "43021119850315001"),
        ("４３０２２１ ６２０７０１ ３３４", "43022119620701334"),  # 株洲县, full-width and spaced
    ],
)
def test_a_first_generation_number_is_converted_to_its_18_digit_form(typed, first17):
    expected = with_check_digit(first17)
    assert normalize_id_number(typed) == expected
    assert id_number_conversion_notice(typed) == f"15位身份证号码已转换为18位:{mask_id_number(expected)}"


def test_the_standards_example_in_its_first_generation_form_becomes_the_example():
    assert normalize_id_number("110105491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    ("prefix", "county"),
    [("430221", "株洲县, abolished 2018 (渌口区)"), ("110103", "北京市崇文区, abolished 2010 (东城区)")],
)
def test_prefixes_of_abolished_counties_stay_valid(prefix, county):
    number = with_check_digit(prefix + "19700101123")
    assert normalize_id_number(number) == number, county


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
        ("4302111985031500161", "id_format", "身份证号码应为18位,前17位为数字,最后一位为数字或X"),
        ("43021185031500X", "id_format", "身份证号码应为18位,前17位为数字,最后一位为数字或X"),
        ("430211851315001", "id_birth", "身份证号码中的出生日期无效"),
        ("990211850315001", "id_region", "身份证号码的地区代码无效"),
        ("43021119850315001\u0661", "id_format", "身份证号码应为18位,前17位为数字,最后一位为数字或X"),
    ],
    ids=[
        "check-digit",
        "month-13",
        "feb-30",
        "future",
        "province",
        "short",
        "letter",
        "nineteen",
        "15-with-X",
        "15-month-13",
        "15-province",
        "arabic-indic-digit",
    ],
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
