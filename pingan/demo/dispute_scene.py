"""Where the demo's disputes happen and who works them: the counties with their townships and communities,
each township's centre (to which its cases are routed), mediation committee and demo staff (the clerk who
registers, accepts and closes, the head, the mediators), each county's centre head (who presses late cases)
and court. People and organisations are loaded as the workflow's guard sees them (`actors.py`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pingan.accounts.choices import Role
from pingan.regions.choices import RegionLevel
from pingan.regions.models import Region

from .actors import Actor, OrgRef, actors_load, orgs_load
from .geography import centre_code, department_code, is_village, is_virtual, rows_at, short_name
from .staff import account_specs


@dataclass
class Township:
    code: str
    name: str
    county: str
    centre: OrgRef
    mediation: OrgRef
    clerk: Actor
    head: Actor | None
    mediators: list[Actor]
    communities: list[tuple[int, str, str, int]]  # id, code, short name, weight


@dataclass
class County:
    code: str
    name: str
    centre: OrgRef
    head: Actor
    court: OrgRef
    townships: list[Township]
    communities: list[tuple[Township, tuple[int, str, str, int]]] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)


def scene_load() -> dict[str, County]:
    """The counties with their townships, centres, courts and demo staff, from the database."""
    orgs = orgs_load()
    users = actors_load(usernames=[s.username for s in account_specs()])
    region_ids = dict(Region.objects.filter(level__lte=RegionLevel.COMMUNITY).values_list("code", "id"))
    staff: dict[tuple[str, str], list[Actor]] = defaultdict(list)
    for spec in account_specs():
        if spec.username in users:
            staff[(spec.region, spec.role)].append(users[spec.username])

    communities = defaultdict(list)
    for row in rows_at(RegionLevel.COMMUNITY):
        if not is_virtual(row):
            communities[row.parent_code].append(
                (region_ids[row.code], row.code, short_name(row), 1 if is_village(row) else 2)
            )
    counties: dict[str, County] = {}
    for row in rows_at(RegionLevel.COUNTY):
        counties[row.code] = County(
            row.code,
            row.name,
            orgs[centre_code(row.code)],
            staff[(row.code, Role.CENTRE_HEAD)][0],
            orgs[department_code("FY", row.code)],
            [],
        )
    for row in rows_at(RegionLevel.TOWNSHIP):
        if not communities[row.code]:
            continue  # parks and farms with only a virtual community get no disputes
        heads = staff[(row.code, Role.CENTRE_HEAD)]
        township = Township(
            row.code,
            row.name,
            row.parent_code,
            orgs[centre_code(row.code)],
            orgs[department_code("TWH", row.code)],
            staff[(row.code, Role.CENTRE_STAFF)][0],
            heads[0] if heads else None,
            staff[(row.code, Role.MEDIATOR)],
            communities[row.code],
        )
        county = counties[row.parent_code]
        county.townships.append(township)
        for community in township.communities:
            county.communities.append((township, community))
            county.weights.append(community[3])
    return counties
