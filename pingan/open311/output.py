"""What Open311 answers, in JSON and in XML (the XML is the spec's; the JSON maps it by the Spark
convention: a plural element holding singular ones becomes a list).

Output never carries personal data: no parties, no reporter details, and phone and ID numbers typed
into a description are masked. Datetimes are W3C with the offset of Asia/Shanghai (+08:00)."""

from __future__ import annotations

import datetime
import json
import re
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.cases import workflows
from pingan.cases.models import Case, Category
from pingan.core.masking import mask_id_number, mask_phone
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization

from . import catalog
from .services import Filed, LocatedBy

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# Spark convention: the element name of the members of each list.
MEMBERS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
}
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
FIXED_LINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
ID_NUMBER = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")


def w3c(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value is not None else None


def redact(text: str) -> str:
    """Mask phone and ID numbers a reporter typed into free text."""
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = FIXED_LINE.sub(lambda m: mask_phone(m.group(0)), text)
    return MOBILE.sub(lambda m: mask_phone(m.group(0)), text)


def _element(tag: str, value) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, list):
        member = MEMBERS[tag]
        element.extend(_element(member, item) for item in value)
    elif isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
    return element


def render(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode()
    else:
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(_element(root, data), encoding="utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status)


# --- resources -------------------------------------------------------------------------------------


def service_item(category: Category) -> dict:
    kind = catalog.service_kind(category.kind)
    group = str(workflows.get(category.kind).label)
    description = str(kind.description) % {"name": category.name}
    if not catalog.is_public(category.kind, category.code):
        description += _("此类诉求不公开,仅提交的应用可凭密钥查询。")
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": description,
        "metadata": bool(kind.attributes),
        "type": kind.type,
        "keywords": f"{category.name},{group}",
        "group": group,
    }


def service_definition(category: Category, organization: Organization | None = None) -> dict:
    """The attributes of a service; list values read from the data (the regions) are those of
    `organization`'s jurisdiction when a client asks with its key."""
    kind = catalog.service_kind(category.kind)
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": str(attribute.datatype_description) or None,
                "order": attribute.order,
                "description": str(attribute.description),
                "values": [{"key": key, "name": str(name)} for key, name in attribute.options(organization)],
            }
            for attribute in sorted(kind.attributes, key=lambda a: a.order)
        ],
    }


def request_item(case: Case) -> dict:
    """One request as GET requests shows it, with every field of the spec's response, in its order. Any
    case of a public service can be listed, however it came in; `media_url` exists only for those filed
    through Open311. There is no postal code for a place in the region tree: `zipcode` is null."""
    closed = case.closed_at is not None
    filed = getattr(case, "open311", None)
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": workflows.get(case.kind).state_label(case.status),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": redact(case.description),
        "agency_responsible": case.assigned_org.name,
        "service_notice": str(catalog.service_kind(case.kind).notice),
        "requested_datetime": w3c(case.registered_at),
        "updated_datetime": w3c(case.closed_at if closed else case.updated_at),
        "expected_datetime": w3c(case.deadline),
        "address": case.address or None,
        "address_id": case.region_code,
        "zipcode": None,
        "lat": float(case.lat) if case.lat is not None else None,
        "long": float(case.lng) if case.lng is not None else None,
        "media_url": (filed.media_url or None) if filed is not None else None,
    }


LOCATED_BY = {
    LocatedBy.POINT: gettext_lazy("按经纬度定位"),
    LocatedBy.ADDRESS_ID: gettext_lazy("按 address_id"),
    LocatedBy.REGION: gettext_lazy("按 attribute[region]"),
    LocatedBy.JURISDICTION: gettext_lazy("按接入单位的辖区"),
}


def filed_item(filed: Filed) -> dict:
    """The answer to POST requests: the case number (realtime) or a token (batch), never both; the
    notice says where the request went and how its place was found."""
    case = filed.request.case
    kind = catalog.service_kind(case.kind)
    place = " · ".join(
        region.name for region in case.region.ancestors(include_self=True) if region.level > RegionLevel.CITY
    )
    notice = _("%(notice)s所在区划:%(place)s(%(how)s);承办单位:%(org)s。") % {
        "notice": kind.notice,
        "place": place,
        "how": LOCATED_BY[filed.located_by],
        "org": case.assigned_org.name,
    }
    answer = {"token": filed.request.token} if filed.request.token else {"service_request_id": case.number}
    return {**answer, "service_notice": notice, "account_id": filed.request.account_id or None}
