"""Reading what an Open311 client sends: the filters of GET requests and the fields of POST requests.

Everything wrong with a request is collected and answered at once (the spec's error list), before
anything is written."""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pingan.core.validators import normalize_phone
from pingan.geo.coords import CoordSystem

from .catalog import Attribute, Datatype, ServiceKind

MAX_DESCRIPTION = 4000  # the spec's limit
MAX_RESULTS = 1000  # "first 1000 requests returned"
DEFAULT_SPAN = datetime.timedelta(days=90)  # "most recent 90 days", and the longest range allowed
STATUSES = ("open", "closed")
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
COMPLETE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # the W3C note's "Complete date" granularity
LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z/!?]|&(?:#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z]+);")


class Open311Error(Exception):
    """A refusal in the spec's shape: one HTTP status and one or more human-readable descriptions."""

    def __init__(self, status: int, descriptions: list[str] | str) -> None:
        self.status = status
        self.descriptions = [descriptions] if isinstance(descriptions, str) else list(descriptions)
        super().__init__("; ".join(self.descriptions))


def _values(query: QueryDict, name: str) -> list[str]:
    """A comma-delimited parameter that "can be declared multiple times"."""
    return [part.strip() for raw in query.getlist(name) for part in raw.split(",") if part.strip()]


def parse_w3c(name: str, value: str, *, end_of_day: bool = False) -> datetime.datetime:
    """A W3C datetime with its timezone (2026-11-30T08:00:00+08:00 or …Z), or a complete date
    (2026-11-30), read as a day in Asia/Shanghai: its first instant, or with `end_of_day` its last one,
    so that an end date includes the whole day."""
    value = value.strip()
    if COMPLETE_DATE.match(value):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            day = None
        if day is not None:
            first = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time()), timezone.get_default_timezone()
            )
            return first + datetime.timedelta(days=1, microseconds=-1) if end_of_day else first
    # A client that forgets to percent-encode the "+" of "+08:00" sends a space: read it as meant.
    value = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value)
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(
            400,
            _("%(name)s“%(value)s”不是有效的W3C日期时间,应如 2026-11-30T08:00:00+08:00 或 2026-11-30")
            % {"name": name, "value": value},
        )
    if timezone.is_naive(parsed):
        raise Open311Error(400, _("%(name)s 须带时区(如 +08:00 或 Z):“%(value)s”") % {"name": name, "value": value})
    return parsed


@dataclass(frozen=True)
class RequestFilters:
    """What GET requests asks for. `ids` overrides everything else (spec)."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None


def parse_filters(query: QueryDict, *, now: datetime.datetime | None = None) -> RequestFilters:
    ids = _values(query, "service_request_id")
    if ids:
        return RequestFilters(ids=tuple(i.upper() for i in ids[:MAX_RESULTS]))
    errors: list[str] = []
    statuses = _values(query, "status")
    for status in statuses:
        if status not in STATUSES:
            errors.append(_("status“%(value)s”无效,应为 open 或 closed") % {"value": status})
    dates: dict[str, datetime.datetime | None] = {}
    for name in ("start_date", "end_date"):
        raw = query.get(name, "").strip()
        try:
            dates[name] = parse_w3c(name, raw, end_of_day=name == "end_date") if raw else None
        except Open311Error as exc:
            errors.extend(exc.descriptions)
    if errors:
        raise Open311Error(400, errors)
    start, end = dates["start_date"], dates["end_date"]
    if start is None:
        end = end or now or timezone.now()
        start = end - DEFAULT_SPAN
    elif end is None:
        end = start + DEFAULT_SPAN
    if start > end:
        raise Open311Error(400, _("start_date 不能晚于 end_date"))
    if end - start > DEFAULT_SPAN:
        raise Open311Error(400, _("start_date 与 end_date 的间隔不能超过90天"))
    return RequestFilters(
        service_codes=tuple(_values(query, "service_code")), statuses=tuple(statuses), start=start, end=end
    )


# --- POST requests ---------------------------------------------------------------------------------


class _TextOfHtml(HTMLParser):
    """The text of an HTML fragment: no tags, no comments, nothing of scripts and styles (code, not
    text); line breaks where <br> and block elements made them; character references decoded."""

    SKIPPED = frozenset({"script", "style", "template", "head"})
    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def plain_text(value: str) -> str:
    """A description as the spec wants it, "line breaks, but not html or code": the text of any HTML
    in it, its lines trimmed and blank runs closed up. Text without markup is left as it is."""
    if not LOOKS_LIKE_HTML.search(value):
        return value
    parser = _TextOfHtml()
    parser.feed(value)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass
class NewRequest:
    """A POST request's fields, checked and cleaned."""

    description: str
    lat: float | None = None
    lng: float | None = None
    coord_system: str = CoordSystem.WGS84
    address_id: str = ""
    address: str = ""
    media_url: str = ""
    email: str = ""
    account_id: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    attributes: dict[str, str | list[str]] = field(default_factory=dict)


def _coordinate(name: str, raw: str, limit: float, errors: list[str]) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > limit:
        errors.append(_("%(name)s“%(value)s”不是有效的坐标") % {"name": name, "value": raw})
        return None
    return value


def _location(data: QueryDict, errors: list[str]) -> dict:
    lat, lng = data.get("lat", "").strip(), data.get("long", "").strip()
    address_id = data.get("address_id", "").strip()
    address = data.get("address_string", "").strip()
    cleaned: dict = {"address_id": address_id, "address": address}
    if len(address) > 200:
        errors.append(_("address_string 不能超过200个字"))
    if bool(lat) != bool(lng):
        errors.append(_("lat 与 long 须同时提供"))
    elif lat:
        cleaned["lat"] = _coordinate("lat", lat, 90, errors)
        cleaned["lng"] = _coordinate("long", lng, 180, errors)
    elif not address_id and not address:
        errors.append(_("缺少位置:请提供经纬度(lat、long)、社区/网格代码(address_id)或文字地址(address_string)"))
    system = data.get("coord_system", "").strip() or CoordSystem.WGS84
    if system not in CoordSystem.values:
        errors.append(_("coord_system“%(value)s”无效,应为 wgs84、gcj02 或 bd09") % {"value": system})
    cleaned["coord_system"] = system
    return cleaned


def _attribute_value(attribute: Attribute, values: list[str], errors: list[str]) -> str | list[str] | None:
    values = [v.strip() for v in values if v.strip()]
    if not values:
        return None
    if attribute.datatype != Datatype.MULTI and len(values) > 1:
        errors.append(_("attribute[%(code)s] 只能有一个值") % {"code": attribute.code})
        return None
    if attribute.is_list:
        allowed = attribute.allowed_keys()
        unknown = [v for v in values if v not in allowed]
        if unknown:
            if attribute.values_of is not None:  # a long list read from the data: the definition shows it
                hint = _("可选值见该服务的定义(services/服务代码)")
            else:
                hint = _("可选:%(keys)s") % {"keys": "、".join(sorted(allowed))}
            errors.append(
                _("attribute[%(code)s] 的取值“%(value)s”无效,%(hint)s")
                % {"code": attribute.code, "value": unknown[0], "hint": hint}
            )
            return None
    elif any(len(v) > attribute.max_length for v in values):
        errors.append(
            _("attribute[%(code)s] 不能超过%(max)d个字") % {"code": attribute.code, "max": attribute.max_length}
        )
        return None
    return values if attribute.datatype == Datatype.MULTI else values[0]


def _attributes(data: QueryDict, service: ServiceKind, errors: list[str]) -> dict[str, str | list[str]]:
    given: dict[str, list[str]] = {}
    for key in data:
        match = ATTRIBUTE_KEY.match(key)
        if match:
            given.setdefault(match.group(1), []).extend(data.getlist(key))
        elif key.startswith("attribute"):
            errors.append(_("参数“%(key)s”格式无效,应为 attribute[代码]") % {"key": key})
    cleaned: dict[str, str | list[str]] = {}
    for code, values in given.items():
        attribute = service.attribute(code)
        if attribute is None:
            errors.append(_("本服务没有附加信息 attribute[%(code)s]") % {"code": code})
            continue
        value = _attribute_value(attribute, values, errors)
        if value is not None:
            cleaned[code] = value
    for attribute in service.attributes:
        if attribute.required and attribute.code not in cleaned:
            errors.append(
                _("请填写 attribute[%(code)s]:%(what)s") % {"code": attribute.code, "what": attribute.description}
            )
    return cleaned


def _reporter(data: QueryDict, service: ServiceKind, errors: list[str]) -> dict:
    # Chinese order: family name first.
    name = (data.get("last_name", "").strip() + data.get("first_name", "").strip()).strip()
    phone = data.get("phone", "").strip()
    email = data.get("email", "").strip()
    cleaned = {"reporter_name": name, "reporter_phone": "", "email": email}
    if len(name) > 50:
        errors.append(_("姓名(last_name、first_name)合计不能超过50个字"))
    if phone:
        try:
            cleaned["reporter_phone"] = normalize_phone(phone)
        except ValidationError as exc:
            errors.extend(f"phone: {message}" for message in exc.messages)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("email“%(value)s”不是有效的邮箱地址") % {"value": email})
    if service.reporter_required:
        if not name:
            errors.append(_("请填写申请人姓名(last_name、first_name)"))
        if not phone:
            errors.append(_("请填写申请人联系电话(phone)"))
    return cleaned


def parse_new_request(data: QueryDict, service: ServiceKind) -> NewRequest:
    errors: list[str] = []
    given = data.get("description", "").strip()
    description = plain_text(given)
    if not given:
        errors.append(_("请填写情况描述(description)"))
    elif not description:
        errors.append(_("description 去掉 HTML 标记后没有文字:请以纯文本填写情况描述"))
    elif len(description) > MAX_DESCRIPTION:
        errors.append(_("description 不能超过4000个字"))
    media_url = data.get("media_url", "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
            if len(media_url) > 500:
                raise ValidationError("too long")
        except ValidationError:
            errors.append(_("media_url 须为不超过500个字符的 http(s) 链接"))
    account_id = data.get("account_id", "").strip()
    if len(account_id) > 100:
        errors.append(_("account_id 不能超过100个字符"))
    location = _location(data, errors)
    reporter = _reporter(data, service, errors)
    attributes = _attributes(data, service, errors)
    if errors:
        raise Open311Error(400, errors)
    return NewRequest(
        description=description,
        media_url=media_url,
        account_id=account_id,
        attributes=attributes,
        **location,
        **reporter,
    )
