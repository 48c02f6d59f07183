"""Who acts in the demo's case histories, as the workflow's guard sees them: users with their active
memberships (role, organisation, the organisation's type and region), loaded once, so that every planned
step can be checked against the workflow without a database round trip.

The shapes are those `pingan.cases.workflows.relation` reads from a Case and a User (`assigned_org.region
.level`, `membership.organization.region.prefix`, `actor.active_memberships` …), so the engine's own
function decides who an actor is to a case."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pingan.accounts.models import Membership
from pingan.regions.models import Organization

DUTY_PREFIX = "duty_"  # the usernames of the duty accounts (`staff.duty_accounts_load`)


@dataclass(frozen=True)
class RegionRef:
    code: str
    prefix: str
    level: int


@dataclass(frozen=True)
class OrgRef:
    pk: int
    code: str
    name: str
    org_type: str
    region: RegionRef


@dataclass(frozen=True)
class MembershipRef:
    organization: OrgRef
    role: str

    @property
    def organization_id(self) -> int:
        return self.organization.pk


@dataclass(frozen=True, eq=False)
class Actor:
    """A user as the guard sees them (`pk`, `username`, `active_memberships`)."""

    pk: int
    username: str
    full_name: str
    active_memberships: tuple[MembershipRef, ...]

    @property
    def id(self) -> int:
        return self.pk

    def __str__(self) -> str:
        return self.full_name or self.username

    def roles_at(self, org_code: str) -> set[str]:
        return {m.role for m in self.active_memberships if m.organization.code == org_code}


ORG_FIELDS = ("id", "code", "name", "org_type", "region__code", "region__prefix", "region__level")


def _org(pk: int, code: str, name: str, org_type: str, region_code: str, prefix: str, level: int) -> OrgRef:
    return OrgRef(pk, code, name, org_type, RegionRef(region_code, prefix, level))


def orgs_load(codes: Iterable[str] | None = None) -> dict[str, OrgRef]:
    """Active organisations by code (all of them, or those of `codes`)."""
    orgs = Organization.objects.filter(is_active=True)
    if codes is not None:
        orgs = orgs.filter(code__in=list(codes))
    return {row[1]: _org(*row) for row in orgs.values_list(*ORG_FIELDS)}


def actors_load(
    *,
    usernames: Iterable[str] | None = None,
    user_ids: Iterable[int] | None = None,
    members_of: Iterable[str] | None = None,
) -> dict[str, Actor]:
    """Active users by username with their active memberships in active organisations: those named, or
    those with an active membership in an organisation of `members_of` (codes)."""
    memberships = Membership.objects.filter(is_active=True, organization__is_active=True, user__is_active=True)
    if usernames is not None:
        memberships = memberships.filter(user__username__in=list(usernames))
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=list(user_ids))
    if members_of is not None:
        members = memberships.filter(organization__code__in=list(members_of)).values("user_id")
        memberships = memberships.filter(user_id__in=members)
    rows = memberships.order_by("user_id", "id").values_list(
        "user_id", "user__username", "user__full_name", "role", *(f"organization__{f}" for f in ORG_FIELDS)
    )
    people: dict[int, tuple[str, str]] = {}
    held: dict[int, list[MembershipRef]] = defaultdict(list)
    for user_id, username, full_name, role, *org in rows:
        people[user_id] = (username, full_name)
        held[user_id].append(MembershipRef(_org(*org), role))
    return {
        username: Actor(user_id, username, full_name, tuple(held[user_id]))
        for user_id, (username, full_name) in people.items()
    }


class Roster:
    """Who holds which role where: the people of the demo by organisation code, the named accounts before
    the duty accounts (`staff.duty_accounts_load`)."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.by_org: dict[str, list[tuple[str, Actor]]] = defaultdict(list)
        for actor in sorted(actors, key=lambda a: (a.username.startswith(DUTY_PREFIX), a.username)):
            for membership in actor.active_memberships:
                self.by_org[membership.organization.code].append((membership.role, actor))

    def at(self, org_code: str, roles: Iterable[str]) -> Actor | None:
        """The first person holding one of `roles` in the organisation, or None."""
        roles = set(roles)
        return next((actor for role, actor in self.by_org.get(org_code, ()) if role in roles), None)

    def one(self, org_code: str, roles: Iterable[str]) -> Actor:
        """The first person holding one of `roles` in an organisation that has one (the loader saw to it)."""
        actor = self.at(org_code, roles)
        if actor is None:
            raise LookupError(f"nobody in {org_code} holds any of the roles asked for")
        return actor
