"""Writes to the region tree and the organisations: bulk import from Excel/CSV (区划、机构导入).

An import is all or nothing: every row is checked first and every problem is reported with its row
number; only a clean file is written (created or updated by code) and logged once in the audit log.

The reading and checking machinery (read_table, check_table, row_error, ImportResult) is shared with
the other imports (pingan.accounts.services.users_import).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError
from pingan.core.models import AuditAction
from pingan.core.validators import normalize_phone

from .choices import OrgType, RegionLevel
from .models import Organization, Region, scope_prefix

if TYPE_CHECKING:
    from pingan.accounts.models import User

# Spreadsheets carry a header in row 1, so the first data row is row 2 (as Excel numbers it).
FIRST_DATA_ROW = 2
MAX_ROWS = 50_000

REGION_COLUMNS = {
    "code": ("区划代码", "代码", "code"),
    "name": ("名称", "区划名称", "name"),
    "level": ("层级", "级别", "level"),
    "parent": ("上级代码", "上级区划代码", "parent", "parent_code"),
}
ORGANIZATION_COLUMNS = {
    "code": ("机构代码", "代码", "code"),
    "name": ("名称", "机构名称", "name"),
    "org_type": ("类型", "机构类型", "org_type", "type"),
    "region": ("区划代码", "管辖区划", "region", "region_code"),
    "phone": ("电话", "联系电话", "phone"),
    "address": ("地址", "address"),
}

# Level names as people write them in a spreadsheet, besides the numbers and the official labels.
LEVEL_ALIASES = {
    "省": RegionLevel.PROVINCE,
    "province": RegionLevel.PROVINCE,
    "市": RegionLevel.CITY,
    "city": RegionLevel.CITY,
    "县": RegionLevel.COUNTY,
    "区": RegionLevel.COUNTY,
    "县区": RegionLevel.COUNTY,
    "区县": RegionLevel.COUNTY,
    "county": RegionLevel.COUNTY,
    "乡镇": RegionLevel.TOWNSHIP,
    "街道": RegionLevel.TOWNSHIP,
    "乡镇街道": RegionLevel.TOWNSHIP,
    "township": RegionLevel.TOWNSHIP,
    "村社区": RegionLevel.COMMUNITY,
    "村": RegionLevel.COMMUNITY,
    "社区": RegionLevel.COMMUNITY,
    "community": RegionLevel.COMMUNITY,
    "网格": RegionLevel.GRID,
    "grid": RegionLevel.GRID,
}


@dataclass
class ImportResult:
    """What an import did, or why it did nothing (`errors`, each naming its row).

    `details` holds further counts an import wants in its audit entry (as_dict); `notes` are sentences
    for the person who ran it, shown under the counts."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    details: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, int]:
        counts = {"total": self.total, "created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        return {**counts, **self.details}


class ImportService(Protocol):
    """An import service: regions_import, organizations_import, the users' and grid members' imports."""

    def __call__(self, *, rows: list[dict[str, Any]], actor: User | None) -> ImportResult: ...


# --- reading files --------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # codes typed into Excel come back as numbers
    return str(value).strip()


def _header_key(value: Any) -> str:
    """Header text without decorations people add: spaces, required-markers, full-width brackets."""
    text = _cell_text(value).lower()
    for mark in (" ", "\u3000", "*", "*", "(必填)", "(必填)"):
        text = text.replace(mark, "")
    return text


def _rows_from_matrix(matrix: Iterable[Iterable[Any]], max_rows: int, field: str | None) -> list[dict[str, str]]:
    iterator = iter(matrix)
    header = next(iterator, None)
    if header is None:
        return []
    keys = [_header_key(h) for h in header]
    rows: list[dict[str, str]] = []
    for values in iterator:
        values = list(values)
        rows.append({key: _cell_text(v) for key, v in zip(keys, values, strict=False) if key})
        if len(rows) > max_rows:
            raise ApplicationError(_("文件超过 %(max)d 行,请分批导入") % {"max": max_rows}, field=field)
    while rows and not any(rows[-1].values()):
        rows.pop()  # trailing blank rows Excel leaves behind
    return rows


def _decode_csv(data: bytes, field: str | None) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # gb18030 is a superset of GBK, which Excel writes on Chinese Windows
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ApplicationError(_("无法识别文件编码,请另存为 UTF-8 或 GBK 编码的 CSV 文件"), field=field)


def _read_csv(data: bytes, max_rows: int, field: str | None) -> list[dict[str, str]]:
    text = _decode_csv(data, field)
    header = text.split("\n", 1)[0]
    delimiter = next((d for d in (",", "\t", ";") if d in header), ",")
    return _rows_from_matrix(csv.reader(io.StringIO(text), delimiter=delimiter), max_rows, field)


def _read_xlsx(data: bytes, max_rows: int, field: str | None) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for damaged files
        raise ApplicationError(_("无法读取 Excel 文件,请确认是 .xlsx 格式"), field=field) from exc
    try:
        return _rows_from_matrix(workbook.worksheets[0].iter_rows(values_only=True), max_rows, field)
    finally:
        workbook.close()


def read_table(
    file: str | Path | IO[bytes], *, max_rows: int = MAX_ROWS, field: str | None = None
) -> list[dict[str, str]]:
    """Rows of the first sheet of an .xlsx file or of a CSV file (UTF-8 with or without BOM, or GBK).
    Errors about the file itself name `field` (the form's file field) when given.

    Keys are the header texts (trimmed, lower-case), values are text. Row i of the list is spreadsheet
    row i + 2; blank rows inside the table are kept (as blank values) so that row numbers stay true."""
    if isinstance(file, str | Path):
        name = str(file)
        data = Path(file).read_bytes()
    else:
        name = getattr(file, "name", "") or ""
        data = file.read()
    if data.startswith(b"PK\x03\x04"):  # a zip container: .xlsx
        return _read_xlsx(data, max_rows, field)
    suffix = Path(name).suffix.lower()
    if suffix in ("", ".csv", ".txt"):
        return _read_csv(data, max_rows, field)
    raise ApplicationError(_("仅支持 Excel(.xlsx)和 CSV 文件;.xls 文件请先另存为 .xlsx"), field=field)


# --- checking rows --------------------------------------------------------------------------------


def _canonical_rows(
    rows: list[dict[str, Any]], columns: dict[str, tuple[str, ...]], required: Iterable[str], errors: list[str]
) -> list[tuple[int, dict[str, str]]]:
    """Map each row's headers onto canonical field names; drop blank rows; note missing columns.

    A row's dict holds only the columns the file has, so that an optional column left out of the file
    leaves the stored values alone."""
    aliases = {_header_key(alias): name for name, names in columns.items() for alias in names}
    present = {aliases[_header_key(k)] for row in rows[:1] for k in row if _header_key(k) in aliases}
    missing = [columns[name][0] for name in required if name not in present]
    if rows and missing:
        errors.append(_("缺少列:%(columns)s") % {"columns": "、".join(missing)})
        return []
    names: dict[Any, str | None] = {}  # each header resolved once per file, not once per cell
    result = []
    for index, row in enumerate(rows):
        values = dict.fromkeys(present, "")
        for key, value in row.items():
            if key not in names:
                names[key] = aliases.get(_header_key(key))
            if name := names[key]:
                values[name] = _cell_text(value)
        if any(values.values()):
            result.append((index + FIRST_DATA_ROW, values))
    return result


def row_error(errors: list[str], row: int, message: str) -> None:
    """Add "第 N 行:message" to errors."""
    errors.append(_("第 %(row)d 行:%(message)s") % {"row": row, "message": message})


def _parse_level(text: str) -> int | None:
    cleaned = text.replace("(", "").replace(")", "").replace("(", "").replace(")", "").replace("、", "")
    if cleaned.isdigit() and int(cleaned) in RegionLevel.values:
        return int(cleaned)
    if cleaned.lower() in LEVEL_ALIASES:
        return LEVEL_ALIASES[cleaned.lower()]
    for level in RegionLevel:
        if text == str(level.label):
            return level.value
    return None


def _duplicates(errors: list[str], rows: list[tuple[int, dict[str, str]]]) -> None:
    first_seen: dict[str, int] = {}
    for row, values in rows:
        code = values["code"]
        if not code:
            continue
        if code in first_seen:
            row_error(errors, row, _("代码 %(code)s 与第 %(first)d 行重复") % {"code": code, "first": first_seen[code]})
        else:
            first_seen[code] = row


@dataclass
class _RegionRow:
    row: int
    code: str
    name: str
    level: int
    parent: str


def _check_region_rows(rows: list[tuple[int, dict[str, str]]], errors: list[str]) -> list[_RegionRow]:
    _duplicates(errors, rows)
    checked: list[_RegionRow] = []
    for row, values in rows:
        problems = []
        code, name, parent = values["code"], values["name"], values["parent"]
        if not code:
            problems.append(_("区划代码不能为空"))
        elif not code.isdigit() or len(code) > 20:
            problems.append(_("区划代码“%(code)s”应为不超过20位的数字") % {"code": code})
        if not name:
            problems.append(_("名称不能为空"))
        elif len(name) > 100:
            problems.append(_("名称不能超过100个字"))
        level = _parse_level(values["level"])
        if level is None:
            problems.append(
                _("层级“%(level)s”无效,应为 市、县、乡镇、村社区、网格 或 1–5") % {"level": values["level"]}
            )
        if parent and parent == code:
            problems.append(_("上级代码不能是本身"))
        for problem in problems:
            row_error(errors, row, problem)
        if not problems and level is not None:
            checked.append(_RegionRow(row, code, name, level, parent))

    # Parents may be in the database or earlier/later in the same file.
    in_file = {r.code: r for r in checked}
    parent_codes = {r.parent for r in checked if r.parent and r.parent not in in_file}
    in_db = {r.code: r for r in Region.objects.filter(code__in=parent_codes).only("code", "level")}
    for r in checked:
        if not r.parent:
            if r.level > RegionLevel.CITY:
                row_error(errors, r.row, _("缺少上级代码(只有省、市级区划可以没有上级)"))
            continue
        parent_row = in_file.get(r.parent) or in_db.get(r.parent)
        if parent_row is None:
            row_error(errors, r.row, _("上级代码 %(parent)s 不存在") % {"parent": r.parent})
            continue
        if r.level <= parent_row.level:
            row_error(errors, r.row, _("层级应低于上级区划 %(parent)s") % {"parent": r.parent})
            continue
        prefix = scope_prefix(parent_row.code, parent_row.level)
        if not r.code.startswith(prefix) or r.code == parent_row.code:
            row_error(
                errors,
                r.row,
                _("区划代码 %(code)s 与上级代码 %(parent)s 不符(应以 %(prefix)s 开头)")
                % {"code": r.code, "parent": r.parent, "prefix": prefix},
            )
    return checked


def _upsert[M: models.Model](
    model: type[M], key: str, values: dict[str, Any], existing: dict[str, M], result: ImportResult
) -> M:
    instance = existing.get(key)
    if instance is None:
        instance = model(**values)
        instance.save()
        result.created += 1
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save()
        result.updated += 1
    else:
        result.unchanged += 1
    return instance


def check_table[T](
    rows: list[dict[str, Any]],
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    check: Callable[[list[tuple[int, dict[str, str]]], list[str]], list[T]],
) -> tuple[ImportResult, list[T]]:
    """Map rows from read_table onto `columns` (canonical name -> accepted headers, the first one named in
    messages), note missing `required` columns, then run `check(rows, errors)` on the non-blank rows,
    given as (spreadsheet row number, {name: text}). Returns the result (errors sorted by row) and what
    `check` returned; write only if `result.ok`."""
    result = ImportResult()
    canonical = _canonical_rows(rows, columns, required, result.errors)
    result.total = len(canonical)
    if not canonical and not result.errors:
        result.errors.append(_("文件中没有数据行"))
    checked = check(canonical, result.errors) if canonical else []
    result.errors.sort(key=error_sort_key)
    return result, checked


def jurisdiction_check(result: ImportResult, actor: User | None, row_codes: Iterable[tuple[int, str]]) -> bool:
    """An administrator who is not a superuser imports only inside their own jurisdiction (a district's
    administrator maintains the district). Adds a row error for every code outside it; True if none."""
    if actor is None or actor.is_superuser:
        return True
    prefixes = actor.jurisdiction_prefixes()
    for row, code in row_codes:
        if not any(code.startswith(prefix) for prefix in prefixes):
            row_error(result.errors, row, _("区划 %(code)s 不在您的管辖范围内") % {"code": code})
    result.errors.sort(key=error_sort_key)
    return not result.errors


def error_sort_key(message: str) -> int:
    digits = "".join(ch for ch in message.split("行", 1)[0] if ch.isdigit())
    return int(digits) if digits else 0


# --- the services ---------------------------------------------------------------------------------


@transaction.atomic
def regions_import(*, rows: list[dict[str, Any]], actor: User | None) -> ImportResult:
    """Create or update regions by code from spreadsheet rows (区划代码, 名称, 层级, 上级代码)."""
    result, checked = check_table(rows, REGION_COLUMNS, ("code", "name", "level", "parent"), _check_region_rows)
    if result.errors or not jurisdiction_check(result, actor, [(r.row, r.code) for r in checked]):
        return result
    codes = {r.code for r in checked} | {r.parent for r in checked if r.parent}
    known = {r.code: r for r in Region.objects.filter(code__in=codes)}
    for r in sorted(checked, key=lambda r: (r.level, r.code)):  # parents before children
        parent_id = known[r.parent].pk if r.parent else None
        values = {"code": r.code, "name": r.name, "level": r.level, "parent_id": parent_id}
        known[r.code] = _upsert(Region, r.code, values, known, result)
    audit_log(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type=Region._meta.label_lower,
        changes=result.as_dict(),
    )
    return result


@dataclass
class _OrganizationRow:
    row: int
    values: dict[str, Any]
    region_code: str


def _parse_org_type(text: str) -> str | None:
    for org_type in OrgType:
        if text in (org_type.value, str(org_type.label)):
            return org_type.value
    return None


def _check_organization_rows(rows: list[tuple[int, dict[str, str]]], errors: list[str]) -> list[_OrganizationRow]:
    _duplicates(errors, rows)
    regions = {r.code: r for r in Region.objects.filter(code__in={v["region"] for _, v in rows if v["region"]})}
    checked: list[_OrganizationRow] = []
    for row, values in rows:
        problems = []
        if not values["code"]:
            problems.append(_("机构代码不能为空"))
        elif len(values["code"]) > 40:
            problems.append(_("机构代码不能超过40个字符"))
        if not values["name"]:
            problems.append(_("名称不能为空"))
        elif len(values["name"]) > 100:
            problems.append(_("名称不能超过100个字"))
        org_type = _parse_org_type(values["org_type"])
        if org_type is None:
            problems.append(_("机构类型“%(type)s”无效") % {"type": values["org_type"]})
        region = regions.get(values["region"])
        if not values["region"]:
            problems.append(_("区划代码不能为空"))
        elif region is None:
            problems.append(_("区划代码 %(code)s 不存在") % {"code": values["region"]})
        phone = values.get("phone", "")
        if phone:
            try:
                phone = normalize_phone(phone)
            except ValidationError as exc:
                problems.append(_("电话 %(phone)s:%(message)s") % {"phone": phone, "message": exc.messages[0]})
        if len(values.get("address", "")) > 200:
            problems.append(_("地址不能超过200个字"))
        for problem in problems:
            row_error(errors, row, problem)
        if not problems and region is not None:
            fields: dict[str, Any] = {
                "code": values["code"],
                "name": values["name"],
                "org_type": org_type,
                "region_id": region.pk,
            }
            if "phone" in values:
                fields["phone"] = phone
            if "address" in values:
                fields["address"] = values["address"]
            checked.append(_OrganizationRow(row, fields, region.code))
    return checked


@transaction.atomic
def organizations_import(*, rows: list[dict[str, Any]], actor: User | None) -> ImportResult:
    """Create or update organisations by code (机构代码, 名称, 类型, 区划代码, 电话, 地址)."""
    result, checked = check_table(
        rows, ORGANIZATION_COLUMNS, ("code", "name", "org_type", "region"), _check_organization_rows
    )
    if result.errors or not jurisdiction_check(result, actor, [(r.row, r.region_code) for r in checked]):
        return result
    known = {o.code: o for o in Organization.objects.filter(code__in={r.values["code"] for r in checked})}
    for r in checked:
        _upsert(Organization, r.values["code"], r.values, known, result)
    audit_log(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type=Organization._meta.label_lower,
        changes=result.as_dict(),
    )
    return result
