"""What Open311 offers: the case categories of the kinds open to the public, as GeoReport services.

A service is a category (`service_code` = the category's code); its group is its kind's label. Each kind
declares here how its requests behave: realtime (the case number comes back at once) or batch (a token
comes back, exchanged for the number at /tokens/), whether anyone may read them, and the attributes a
client fills in (the GeoReport service definition)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from pingan.cases.choices import Urgency
from pingan.disputes.choices import KIND as DISPUTE
from pingan.incidents.choices import DEFAULT_URGENCY as INCIDENT_URGENCY
from pingan.incidents.choices import DISPUTE_LEAD
from pingan.incidents.choices import KIND as INCIDENT
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Organization, Region


class Datatype:
    STRING = "string"
    NUMBER = "number"
    DATETIME = "datetime"
    TEXT = "text"
    SINGLE = "singlevaluelist"
    MULTI = "multivaluelist"


@dataclass(frozen=True)
class Attribute:
    """One field of a service definition."""

    code: str
    datatype: str
    description: StrOrPromise
    order: int
    required: bool = False
    values: tuple[tuple[str, StrOrPromise], ...] = ()
    # A list read from the data instead (the regions of a jurisdiction): given the client's organisation,
    # or None for the whole installation.
    values_of: Callable[[Organization | None], tuple[tuple[str, StrOrPromise], ...]] | None = None
    datatype_description: StrOrPromise = ""
    max_length: int = 100
    personal: bool = False  # names a person: kept as a party of the case (masked), not with the request

    @property
    def is_list(self) -> bool:
        return self.datatype in (Datatype.SINGLE, Datatype.MULTI)

    def options(self, organization: Organization | None = None) -> tuple[tuple[str, StrOrPromise], ...]:
        return self.values_of(organization) if self.values_of is not None else self.values

    def allowed_keys(self, organization: Organization | None = None) -> set[str]:
        return {key for key, _name in self.options(organization)}


@dataclass(frozen=True)
class ServiceKind:
    """How the services of one case kind behave."""

    kind: str
    type: str  # "realtime" or "batch"
    public: bool  # requests readable by anyone (else only by the client that filed them)
    description: StrOrPromise
    notice: StrOrPromise
    attributes: tuple[Attribute, ...] = ()
    reporter_required: bool = False  # the reporter's name and phone (the applicant of a dispute)
    private_categories: frozenset[str] = field(default_factory=frozenset)
    default_urgency: Mapping[str, str] = field(default_factory=dict)  # category code → urgency if none given

    def attribute(self, code: str) -> Attribute | None:
        return next((a for a in self.attributes if a.code == code), None)


URGENCY = Attribute(
    code="urgency",
    datatype=Datatype.SINGLE,
    description=_("紧急程度(不填为一般)"),
    order=1,
    values=((Urgency.NORMAL, Urgency.NORMAL.label), (Urgency.URGENT, Urgency.URGENT.label)),
)
OTHER_PARTY = Attribute(
    code="other_party",
    datatype=Datatype.STRING,
    description=_("对方当事人的姓名或单位名称(如知道)"),
    order=2,
    datatype_description=_("不超过100个字"),
    personal=True,
)


def region_options(organization: Organization | None) -> tuple[tuple[str, str], ...]:
    """The counties and townships (乡镇/街道) a request without a point or address_id may name: those of
    the client organisation's jurisdiction, or of the whole installation. Key: the statistics code."""
    regions = Region.objects.filter(is_active=True, level__in=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP))
    if organization is not None:
        regions = regions.filter(code__startswith=organization.region.prefix)
    return tuple(
        (
            region.code,
            f"{region.parent.name}{region.name}"
            if region.level == RegionLevel.TOWNSHIP and region.parent
            else region.name,
        )
        for region in regions.select_related("parent").order_by("code")
    )


REGION = Attribute(
    code="region",
    datatype=Datatype.SINGLE,
    description=_("所在区县或乡镇(街道):只提供文字地址(address_string)时据此分流至当地综治中心"),
    order=3,
    values_of=region_options,
    datatype_description=_("区划代码;带 api_key 查询时只列出本单位辖区内的区划"),
)

KINDS: dict[str, ServiceKind] = {
    INCIDENT: ServiceKind(
        kind=INCIDENT,
        type="realtime",
        public=True,
        description=_("反映%(name)s方面的问题:由所在网格的综治中心立案、派遣处置。"),
        notice=_("已登记为网格事件,将经立案、派遣、处置、核查后结案;办理进度可按编号查询。"),
        attributes=(URGENCY, REGION),
        # Reports about people (特殊人群, leads of disputes between neighbours) name or point at private
        # persons: filed like the others, readable only by the client that filed them.
        private_categories=frozenset({"inc_special_groups", DISPUTE_LEAD}),
        default_urgency=INCIDENT_URGENCY,  # 治安隐患 and 消防 are urgent unless the reporter says otherwise
    ),
    DISPUTE: ServiceKind(
        kind=DISPUTE,
        type="batch",
        public=False,
        description=_("申请调解%(name)s纠纷:由所在地综治中心受理并组织调解,须留下申请人姓名和联系电话。"),
        notice=_("调解申请已登记,所在地综治中心将与申请人联系;凭令牌可查询案件编号。"),
        attributes=(URGENCY, OTHER_PARTY, REGION),
        reporter_required=True,
    ),
}


def service_kind(kind: str) -> ServiceKind:
    return KINDS[kind]


def is_public(kind: str, category_code: str) -> bool:
    service = KINDS[kind]
    return service.public and category_code not in service.private_categories
