"""统一社会信用代码 (GB 32100-2015) at our boundary: `normalize_credit_code` and `credit_code_check_character`
against vectors that are not our code nor python-stdnum's test data.

Outside sources:
- GB 32100-2015《法人和其他组织统一社会信用代码编码规则》附录 (校验码计算方法实例): the code
  91350100M000100Y4Z is checked step by step — weighted sum of the first 17 characters 1640, MOD(1640, 31) = 28,
  check value 31 − 28 = 3, so the check character is "3" and the code as given (ending "Z") is refused. The
  weights are W_i = MOD(3^(i−1), 31): 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 (表 2); the alphabet is
  0–9 and A–Y without I, O, S, V, Z (表 1).
- Codes of well-known enterprises as they publish them: the A-share annual reports' 公司基本情况 of 比亚迪股份有限公司
  (002594) and 中国石油天然气股份有限公司 (601857), and the 国家企业信用信息公示系统 (gsxt.gov.cn) entries of
  华为技术有限公司, 阿里巴巴(中国)有限公司, 腾讯科技(深圳)有限公司 and 北京百度网讯科技有限公司.
  Cross-checked (2026-12) against other public records of the same codes: PetroChina's GLEIF LEI record
  529900RPY4YG47TRSV05 (registeredAs 91110000710925462X), Baidu Netcom's 组织机构代码 802100433 inside its code,
  and published records pairing each of the others with the same enterprise; not against gsxt.gov.cn itself,
  which these machines cannot reach.
"""

from __future__ import annotations

import pytest
import stdnum
from django.core.exceptions import ValidationError
from stdnum.cn import uscc

from pingan.core.validators import credit_code_check_character, normalize_credit_code, validate_credit_code

STANDARD_EXAMPLE = "91350100M000100Y4Z"  # GB 32100-2015 附录: refused, its check character is "3"
STANDARD_EXAMPLE_FIXED = "91350100M000100Y43"
STANDARD_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

PUBLISHED = {
    "比亚迪股份有限公司": "91440300192317458F",
    "中国石油天然气股份有限公司": "91110000710925462X",
    "华为技术有限公司": "914403001922038216",
    "阿里巴巴(中国)有限公司": "91330100799655058B",
    "腾讯科技(深圳)有限公司": "9144030071526726XG",
    "北京百度网讯科技有限公司": "91110000802100433B",
}


def refusal(value: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        normalize_credit_code(value)
    return info.value


def test_the_standards_worked_example():
    first17 = STANDARD_EXAMPLE[:17]
    # The standard's own arithmetic, step by step (第一步 … 第七步), not our code's.
    values = [ALPHABET.index(char) for char in first17]
    assert values == [9, 1, 3, 5, 0, 1, 0, 0, 21, 0, 0, 0, 1, 0, 0, 30, 4]
    assert sum(v * w for v, w in zip(values, STANDARD_WEIGHTS, strict=True)) == 1640
    assert 1640 % 31 == 28 and ALPHABET[31 - 28] == "3"
    assert credit_code_check_character(first17) == "3"
    assert normalize_credit_code(STANDARD_EXAMPLE_FIXED) == STANDARD_EXAMPLE_FIXED
    # 第八步: "Z" ≠ "3", the code is not well-formed ("Z" is not even in the alphabet, so it is named as such).
    assert refusal(STANDARD_EXAMPLE).code == "credit_code_format"
    error = refusal(STANDARD_EXAMPLE[:17] + "4")
    assert error.code == "credit_code_checksum" and "校验位" in error.messages[0]


@pytest.mark.parametrize(("name", "code"), sorted(PUBLISHED.items()))
def test_published_codes_of_real_enterprises(name, code):
    assert normalize_credit_code(code) == code, name
    assert credit_code_check_character(code[:17]) == code[17], name
    validate_credit_code(code)


@pytest.mark.parametrize("code", sorted(PUBLISHED.values()))
def test_a_wrong_check_character_is_refused(code):
    wrong = next(char for char in ALPHABET if char != code[17])
    assert refusal(code[:17] + wrong).code == "credit_code_checksum"


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_letters_the_standard_leaves_out_are_refused(letter):
    # GB 32100 表 1 has no I, O, S, V, Z (they look like 1, 0, 5, U, 2): in the body or as the check character.
    body = STANDARD_EXAMPLE_FIXED[:10] + letter + STANDARD_EXAMPLE_FIXED[11:]
    assert refusal(body).code in {"credit_code_format", "credit_code_checksum"}
    assert refusal(STANDARD_EXAMPLE_FIXED[:17] + letter).code in {"credit_code_format", "credit_code_checksum"}


@pytest.mark.parametrize("value", ["", "91440300192317458", "91440300192317458FF", "914403001923174"])
def test_a_wrong_length_is_refused(value):
    error = refusal(value)
    assert error.code == "credit_code_length" and "18" in error.messages[0]


def test_lower_case_and_spaces_are_normalised():
    assert normalize_credit_code(" 9144 0300 1923 1745 8f ") == "91440300192317458F"
    assert normalize_credit_code("9144030071526726xg") == "9144030071526726XG"
    assert normalize_credit_code("91110000710925462x\t") == "91110000710925462X"
    assert credit_code_check_character("9144030071526726x") == "G"


def test_pinned_python_stdnum_behaviour():
    """python-stdnum 2.2's `uscc.calc_check_digit` takes the first 17 characters (not 18); our wrapper insists
    on 17 so that a change of that signature shows here, not as wrong codes in the register."""
    assert tuple(int(part) for part in stdnum.__version__.split(".")[:2]) >= (2, 2)
    assert uscc.calc_check_digit(STANDARD_EXAMPLE[:17]) == "3"
    for code in PUBLISHED.values():
        assert uscc.calc_check_digit(code[:17]) == code[17]
    with pytest.raises(ValueError):
        credit_code_check_character(STANDARD_EXAMPLE)  # 18 characters
    with pytest.raises(ValueError):
        credit_code_check_character(STANDARD_EXAMPLE[:16])
