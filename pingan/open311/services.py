"""Writes of the Open311 interface: issuing client keys, and filing a request as an ordinary case.

A filed request goes through the one door (`case_register`) as the client's service account, with the
channel 网上; routing, clocks and the timeline are the engine's. If anything is refused, nothing is
written: the case, its parties and the Open311 row are one transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.choices import Role
from pingan.accounts.models import Membership, User
from pingan.cases.choices import Channel, PartyRole, Urgency
from pingan.cases.models import Category
from pingan.cases.services import case_register, case_title
from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError
from pingan.core.models import AuditAction
from pingan.regions.choices import OrgType, RegionLevel
from pingan.regions.models import Organization, Region

from . import catalog
from .models import Open311Client, Open311Request, key_digest
from .params import NewRequest

TITLE_LENGTH = 40
ADDRESS_LEVELS = (RegionLevel.COMMUNITY, RegionLevel.GRID)  # what address_id may name
REGION_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)  # what attribute[region] may name


@dataclass(frozen=True)
class IssuedKey:
    """A client and its API key in clear: the only moment the key exists outside the client's hands."""

    client: Open311Client
    key: str


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"


def _service_role(organization: Organization) -> str:
    # The service account registers cases like a counter clerk of its organisation, and nothing more:
    # it cannot sign in (inactive, no password), so it never works a case.
    return Role.CENTRE_STAFF if organization.org_type == OrgType.CENTRE else Role.DEPARTMENT_STAFF


@transaction.atomic
def client_issue(*, actor: User | None, name: str, organization: Organization, rate_limit: int = 60) -> IssuedKey:
    """Register a client application of `organization` with its service account and a new API key."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("请填写应用名称"), field="name")
    if not organization.is_active:
        raise ApplicationError(_("单位“%(name)s”已停用") % {"name": organization.name}, field="organization")
    if rate_limit < 1:
        raise ApplicationError(_("每分钟提交上限至少为1"), field="rate_limit")
    prefix, key = _new_key()
    user = User(username=f"open311-{prefix}", full_name=f"Open311·{name}"[:50], is_active=False)
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, organization=organization, role=_service_role(organization))
    client = Open311Client.objects.create(
        name=name,
        organization=organization,
        service_user=user,
        key_prefix=prefix,
        key_hash=key_digest(key),
        rate_limit=rate_limit,
    )
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        obj=client,
        region_code=organization.region.code,
        changes={"name": name, "organization": organization.code, "key_prefix": prefix},
    )
    return IssuedKey(client=client, key=key)


@transaction.atomic
def client_key_rotate(*, actor: User | None, client: Open311Client) -> IssuedKey:
    """Replace a client's key (lost or leaked): the old key stops working at once."""
    client = Open311Client.objects.select_for_update().select_related("organization__region").get(pk=client.pk)
    old_prefix = client.key_prefix
    client.key_prefix, key = _new_key()
    client.key_hash = key_digest(key)
    client.key_issued_at = timezone.now()
    client.save(update_fields=["key_prefix", "key_hash", "key_issued_at"])
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=client,
        region_code=client.organization.region.code,
        changes={"key_prefix": [old_prefix, client.key_prefix]},
    )
    return IssuedKey(client=client, key=key)


class LocatedBy:
    """How a filed request found its place (the answer tells the client)."""

    POINT = "point"
    ADDRESS_ID = "address_id"
    REGION = "region"
    JURISDICTION = "jurisdiction"


@dataclass(frozen=True)
class Filed:
    """A filed request and how its place was found."""

    request: Open311Request
    located_by: str


def _region(code: str, *, field: str, levels: tuple[int, ...], what: str) -> Region:
    region = Region.objects.filter(code=code, is_active=True, level__in=levels).first()
    if region is None:
        raise ApplicationError(
            _("%(field)s“%(code)s”不是已知的%(what)s代码") % {"field": field, "code": code, "what": what}
        )
    return region


def _place(*, client: Open311Client, new: NewRequest) -> tuple[Region | None, str]:
    """Where the case lies before the engine places it: the region handed to `case_register` (None when
    the point alone decides) and how it was found. The point, then address_id, then the region attribute;
    a request with only address_string goes to the client organisation's jurisdiction, unless that is
    the whole city (or wider): a city-wide app must name the county or township."""
    named = new.attributes.get("region")
    region = (
        _region(str(named), field="attribute[region]", levels=REGION_LEVELS, what=_("区县或乡镇(街道)"))
        if named
        else None
    )
    if new.address_id:
        place = _region(new.address_id, field="address_id", levels=ADDRESS_LEVELS, what=_("村(社区)或网格"))
        if region is not None and not place.is_within(region):
            raise ApplicationError(
                _("address_id“%(code)s”不在 attribute[region] 所选的“%(region)s”内")
                % {"code": new.address_id, "region": region.name}
            )
        return place, LocatedBy.POINT if new.lat is not None else LocatedBy.ADDRESS_ID
    if new.lat is not None:
        return region, LocatedBy.POINT
    if region is not None:
        return region, LocatedBy.REGION
    jurisdiction = client.organization.region
    if jurisdiction.level > RegionLevel.CITY:
        return jurisdiction, LocatedBy.JURISDICTION
    raise ApplicationError(
        _(
            "仅凭文字地址(address_string)无法确定由哪里办理:请在 attribute[region] 中选择所在区县或乡镇(街道),"
            "或提供经纬度(lat、long)、社区/网格代码(address_id)"
        )
    )


def _parties(kind: catalog.ServiceKind, new: NewRequest) -> list[dict[str, str]]:
    parties = []
    if new.reporter_name or new.reporter_phone:
        role = PartyRole.APPLICANT if kind.reporter_required else PartyRole.REPORTER
        parties.append({"name": new.reporter_name or _("匿名反映人"), "role": role, "phone": new.reporter_phone})
    other = new.attributes.get("other_party")
    if other:
        parties.append({"name": str(other), "role": PartyRole.RESPONDENT})
    return parties


@transaction.atomic
def request_file(*, client: Open311Client, category: Category, new: NewRequest) -> Filed:
    """File a service request: register its case through the one door and remember its Open311 side."""
    kind = catalog.service_kind(category.kind)
    personal = {attribute.code for attribute in kind.attributes if attribute.personal}  # kept as parties
    region, located_by = _place(client=client, new=new)
    case = case_register(
        actor=client.service_user,
        kind=category.kind,
        category=category,
        title=case_title(category, new.description, length=TITLE_LENGTH),
        description=new.description,
        channel=Channel.ONLINE,
        region=region,
        urgency=str(new.attributes.get("urgency") or kind.default_urgency.get(category.code, Urgency.NORMAL)),
        address=new.address,
        lat=new.lat,
        lng=new.lng,
        coord_system=new.coord_system,
        parties=_parties(kind, new),
    )
    filed = Open311Request.objects.create(
        case=case,
        client=client,
        token=secrets.token_urlsafe(24) if kind.type == "batch" else None,
        media_url=new.media_url,
        account_id=new.account_id,
        reporter_email=new.email,
        attributes={code: value for code, value in new.attributes.items() if code not in personal},
        created_at=case.registered_at,
    )
    Open311Client.objects.filter(pk=client.pk).update(last_used_at=case.registered_at)
    return Filed(request=filed, located_by=located_by)
