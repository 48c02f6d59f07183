"""The parties of a case as they come in (当事人): one check for the intake form, the API, the demo and
every later correction, with the errors keyed `parties[i].field` (the API's error shape).

Gender and birth date come from an 18-digit ID number when there is one (GB 11643-1999: digits 7-14 are
the birth date YYYYMMDD, the 17th digit is odd for a man and even for a woman); a typed value that
contradicts the number is refused rather than silently replaced.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from pingan.core.errors import ApplicationError
from pingan.core.validators import normalize_id_number, normalize_phone

from .choices import Ethnicity, Gender, PartyRole, PartyType
from .models import Party


@dataclass
class PartyInput:
    name: str
    role: str = PartyRole.APPLICANT
    party_type: str = PartyType.PERSON
    id_number: str = ""
    phone: str = ""
    address: str = ""
    gender: str = ""
    birth_date: datetime.date | None = None
    ethnicity: str = ""
    occupation: str = ""
    employer: str = ""
    legal_representative: str = ""


FIELDS = tuple(f.name for f in fields(PartyInput))
# Details only a person has, and the one only an organisation has.
PERSONAL_ONLY = ("id_number", "gender", "birth_date", "ethnicity", "occupation", "employer")
MAX_LENGTHS = {"address": 200, "occupation": 50, "employer": 100, "legal_representative": 50}


def gender_from_id(number: str) -> str:
    """GB 11643-1999 §5.3: the last digit of the 顺序码 (the 17th character) is odd for men, even for women."""
    return Gender.MALE if int(number[16]) % 2 else Gender.FEMALE


def party_input(raw: Mapping[str, Any] | PartyInput) -> PartyInput:
    if isinstance(raw, PartyInput):
        return raw
    values: dict[str, Any] = {name: raw.get(name) for name in FIELDS}
    values["birth_date"] = values["birth_date"] or None
    cleaned: dict[str, Any] = {k: ("" if v is None and k != "birth_date" else v) for k, v in values.items()}
    return PartyInput(**cleaned)


def party_values(party: Party) -> dict[str, Any]:
    """A stored party as intake input (to copy it to a follow-up case)."""
    return {name: getattr(party, name) for name in FIELDS}


# Reports a problem with a field of the party being cleaned: add(field, message).
ErrorAdder = Callable[[str, str], None]


def _birth_date(value: Any, add: ErrorAdder) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        add("birth_date", _("出生日期格式应为 YYYY-MM-DD"))
        return None


def clean_party(raw: Mapping[str, Any] | PartyInput, *, where: str, errors: dict[str, list[str]]) -> PartyInput:
    """Check and normalise one party; problems go into `errors` under `<where>.<field>` (`<field>` when
    `where` is empty)."""
    item = party_input(raw)

    def key(field: str) -> str:
        return f"{where}.{field}" if where else field

    def add(field: str, message: str) -> None:
        errors.setdefault(key(field), []).append(message)

    for name in FIELDS:
        if name != "birth_date":
            setattr(item, name, str(getattr(item, name) or "").strip())
    if not item.name:
        add("name", _("请填写当事人姓名或名称"))
    elif len(item.name) > 100:
        add("name", _("姓名或名称不能超过100个字"))
    if item.role not in PartyRole.values:
        add("role", _("当事人身份无效"))
    item.party_type = item.party_type or PartyType.PERSON
    if item.party_type not in PartyType.values:
        add("party_type", _("当事人类型无效(person 自然人,organization 法人或其他组织)"))
    if item.gender and item.gender not in Gender.values:
        add("gender", _("性别无效(1 男,2 女)"))
    if item.ethnicity and item.ethnicity not in Ethnicity.values:
        add("ethnicity", _("民族无效,请按 GB/T 3304 填写两位代码(如 01 汉族)"))
    for name, limit in MAX_LENGTHS.items():
        if len(getattr(item, name)) > limit:
            add(name, _("不能超过%(limit)s个字") % {"limit": limit})
    item.birth_date = _birth_date(item.birth_date, add)
    if item.birth_date is not None and item.birth_date > timezone.localdate():
        add("birth_date", _("出生日期不能晚于今天"))
    for attribute, normalize in (("id_number", normalize_id_number), ("phone", normalize_phone)):
        value = getattr(item, attribute)
        if value:
            try:
                setattr(item, attribute, normalize(value))
            except ValidationError as exc:
                errors.setdefault(key(attribute), []).extend(exc.messages)
    if item.party_type == PartyType.ORGANIZATION:
        for name in PERSONAL_ONLY:
            if getattr(item, name):
                add(name, _("法人或其他组织当事人不填写此项"))
    elif item.legal_representative:
        add("legal_representative", _("自然人当事人不填写法定代表人"))
    if len(item.id_number) == 18 and key("id_number") not in errors:
        _derive_from_id(item, add)
    return item


def _derive_from_id(item: PartyInput, add: ErrorAdder) -> None:
    gender, born = gender_from_id(item.id_number), ric.get_birth_date(item.id_number)
    if item.gender and item.gender != gender:
        add(
            "gender",
            _("性别与身份证号码不符:号码第17位表示%(gender)s") % {"gender": Gender(gender).label},
        )
    if item.birth_date and item.birth_date != born:
        add(
            "birth_date",
            _("出生日期与身份证号码不符:号码中的出生日期为%(date)s") % {"date": born.isoformat()},
        )
    item.gender, item.birth_date = gender, born


def clean_parties(parties: Iterable[Mapping[str, Any] | PartyInput]) -> list[PartyInput]:
    """Check every party; raise one ApplicationError naming each bad field as `parties[i].field`."""
    errors: dict[str, list[str]] = {}
    cleaned = [clean_party(raw, where=f"parties[{index}]", errors=errors) for index, raw in enumerate(parties)]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], fields=errors)
    return cleaned


# What a correction may change: everything but the party's role in the case.
EDITABLE = tuple(name for name in FIELDS if name != "role")


def party_corrected(party: Party, changes: Mapping[str, Any]) -> PartyInput:
    """The party with `changes` applied, checked as at intake. A new ID number brings its own gender and
    birth date (unless they are given too), rather than contradicting the ones read from the old one."""
    values = {**party_values(party), **{name: changes[name] for name in EDITABLE if name in changes}}
    if "id_number" in changes and changes["id_number"] != party.id_number:
        values["gender"], values["birth_date"] = changes.get("gender", ""), changes.get("birth_date")
    errors: dict[str, list[str]] = {}
    item = clean_party(values, where="", errors=errors)
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], fields=errors)
    return item


def party_model(item: PartyInput, **extra: Any) -> Party:
    return Party(**asdict(item), **extra)
