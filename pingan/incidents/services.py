"""Writes of the incident kind (网格事件): the one-call report from a phone, a patrol finding or another
system, the handlers of its 数字城管 loop, the handler's feedback with photos, and the dispute lead that
becomes a dispute case in one step.

Every function is keyword-only and atomic; the steps of the loop go through `case_transition`, which
locks the case, checks state and right against workflow.py and writes the timeline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.choices import Role
from pingan.accounts.models import User
from pingan.cases import services as cs
from pingan.cases.choices import Channel, EventType, Outcome
from pingan.cases.files import inspect_upload
from pingan.cases.models import Case, Category
from pingan.cases.workflows import Effect, Transition
from pingan.core.errors import ApplicationError, ConflictError
from pingan.regions.choices import OrgType
from pingan.regions.models import Organization, Region

from .choices import DISPUTE_LEAD, KIND, MAX_PHOTOS, PHOTO_EXTENSIONS, IncidentEvent, default_urgency
from .models import ReportReceipt

if TYPE_CHECKING:
    # For the annotation only: grid work lies above the kinds, and a finding comes in from there.
    from pingan.gridwork.models import PatrolFinding

CENTRE_ROLES = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD})
DISPUTE_KIND = "dispute"
TITLE_LENGTH = 31  # of the description's part of a title, with the ellipsis


# --- photos ----------------------------------------------------------------------------------------


def photos_check(photos: Iterable[UploadedFile | None], *, field: str = "photos") -> list[UploadedFile]:
    """Every photo is an image (by its content, not only its name) and within the size limit; all are
    checked before anything is written, so one bad photo refuses the whole report."""
    given = [photo for photo in photos if photo]
    if len(given) > MAX_PHOTOS:
        raise ApplicationError(_("照片最多 %(n)s 张") % {"n": MAX_PHOTOS}, field=field, code="too_many_photos")
    for photo in given:
        name = PurePath(photo.name or "").name
        extension = PurePath(name).suffix.lower().lstrip(".")
        if extension not in PHOTO_EXTENSIONS:
            raise ApplicationError(
                _("“%(name)s”不是图片:照片须为 %(allowed)s 格式")
                % {"name": name or "?", "allowed": "、".join(PHOTO_EXTENSIONS)},
                field=field,
                code="not_an_image",
            )
        inspect_upload(photo, field=field)  # size, emptiness, and that the content is that image type
    return given


# --- intake ----------------------------------------------------------------------------------------


def _category(category: Category | str) -> Category:
    if isinstance(category, Category):
        return category
    found = Category.objects.filter(kind=KIND, code=category, is_active=True).first()
    if found is None:
        raise ApplicationError(_("事件类别“%(code)s”不存在或已停用") % {"code": category}, field="category")
    return found


@transaction.atomic
def incident_report(
    *,
    actor: User,
    category: Category | str,
    description: str,
    lng: float | Decimal | None = None,
    lat: float | Decimal | None = None,
    coord_system: str = "wgs84",
    photos: Iterable[UploadedFile | None] = (),
    title: str = "",
    address: str = "",
    urgency: str | None = None,
    channel: str = Channel.GRID,
    source_patrol_finding: PatrolFinding | None = None,
    region: Region | None = None,
    client_ref: str = "",
) -> Case:
    """Report an incident (信息收集) in one call: it is located to its grid from `lng`/`lat` (converted to
    WGS-84 from `coord_system`; `region`, e.g. the grid picked by hand, when there is no position),
    routed to the grid's centre with the category's clock, with its photos attached.

    `urgency` left out takes the category's default (治安隐患 and 消防 are urgent). A patrol finding
    opens at most one case. `client_ref`, the phone draft's id, makes a resent report return the case
    the first one created instead of a second."""
    description = (description or "").strip()
    if len(description) < 2:
        raise ApplicationError(_("请描述现场情况"), field="description")
    category = _category(category)
    if category.kind != KIND:
        raise ApplicationError(_("类别“%(name)s”不是事件类别") % {"name": category.name}, field="category")
    client_ref = (client_ref or "").strip()[:64]
    if client_ref:
        earlier = ReportReceipt.objects.filter(reporter=actor, client_ref=client_ref).select_related("case").first()
        if earlier is not None:
            return earlier.case
    checked_photos = photos_check(photos)
    finding = None
    if source_patrol_finding is not None:
        finding = type(source_patrol_finding)._default_manager.select_for_update().get(pk=source_patrol_finding.pk)
        if finding.case_id is not None:
            raise ConflictError(_("该发现问题已转立案件"), field="source_patrol_finding")
        if lng is None and lat is None and finding.lng is not None:
            lng, lat, coord_system = finding.lng, finding.lat, "wgs84"
    case = cs.case_register(
        actor=actor,
        kind=KIND,
        category=category,
        title=(title or "").strip() or cs.case_title(category, description, length=TITLE_LENGTH),
        description=description,
        channel=channel,
        region=region,
        urgency=urgency or default_urgency(category.code),
        address=(address or "").strip(),
        lat=lat,
        lng=lng,
        coord_system=coord_system,
        attachments=checked_photos,
    )
    if finding is not None:
        finding.case = case
        finding.save(update_fields=["case"])
    if client_ref:
        try:
            with transaction.atomic():
                ReportReceipt.objects.create(reporter=actor, client_ref=client_ref, case=case)
        except IntegrityError:
            # The same draft arrived twice at once and the other copy won: this one is not filed.
            raise ConflictError(_("该草稿已上报"), code="draft_already_reported") from None
    return case


# --- the steps of the loop -------------------------------------------------------------------------


def _filing_centre(case: Case, actor: User) -> Organization:
    """The centre in whose name the actor files: the case's own centre when the actor works there, else
    the nearest centre of the actor's that covers the case (the guard has checked it oversees it)."""
    if any(m.organization_id == case.assigned_org_id and m.role in CENTRE_ROLES for m in actor.active_memberships):
        return case.assigned_org
    centres = [
        m.organization
        for m in actor.active_memberships
        if m.role in CENTRE_ROLES
        and m.organization.org_type == OrgType.CENTRE
        and case.region_code.startswith(m.organization.region.prefix)
    ]
    return max(centres, key=lambda org: org.region.level, default=case.assigned_org)


def _deadline(case: Case) -> str:
    return timezone.localtime(case.deadline).isoformat()


def _close(case: Case) -> None:
    case.closed_at = timezone.now()
    case.on_time = case.closed_at <= case.deadline  # frozen from here on


def handle_file(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    """立案: the centre accepts the report as a case. A centre above the one it was routed to that files
    it takes it over, so that it dispatches it to its own departments."""
    case.accepted_at = case.accepted_at or timezone.now()
    params: dict[str, Any] = {"deadline": _deadline(case)}
    centre = _filing_centre(case, actor)
    if centre.pk != case.assigned_org_id:
        params |= {
            "from_org": case.assigned_org.code,
            "from_org_name": case.assigned_org.name,
            "to_org": centre.code,
            "to_org_name": centre.name,
        }
        case.assigned_org, case.assignee = centre, None
    return Effect(IncidentEvent.FILED, params, notify_org="to_org" in params)


def handle_reject(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    """不予立案 (with the reason as the comment): the incident is closed, but not resolved."""
    _close(case)
    return Effect(IncidentEvent.NOT_FILED, {"on_time": case.on_time}, notify_org=False)


def handle_dispatch(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    """派遣: to a department or a lower centre inside the dispatching centre's jurisdiction; the handler
    works against the category's clock, which the event states."""
    effect = cs.handle_dispatch(case=case, actor=actor, transition=transition, data=data)
    return Effect(effect.event_type, {**effect.params, "deadline": _deadline(case)})


def handle_take(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    """处置: the department (or lower centre) accepts the dispatch; the one who accepts handles it."""
    case.assignee = actor
    return Effect(EventType.ACCEPTED, {"handler": actor.username}, notify_org=False)


def handle_feedback(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    """反馈: the handler reports the result (the comment; photos come with it through incident_feed_back)."""
    case.resolved_at, case.resolved_by, case.outcome = timezone.now(), actor, Outcome.SUCCESS
    return Effect(IncidentEvent.FED_BACK)


def handle_verify(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    """核查结案: a centre, not the handler, checks the result. Passed, the incident is closed and its
    on-time verdict frozen; failed, it goes back to 处置 and counts as rework."""
    if not data["passed"]:
        return cs.handle_verify(case=case, actor=actor, transition=transition, data=data)
    case.verified_at = timezone.now()
    _close(case)
    return Effect(EventType.VERIFIED, {"passed": True, "on_time": case.on_time})


def handle_evaluate(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    """综合评价: the centre's verdict on the handling, counted with the satisfaction rate."""
    case.satisfaction, case.rated_at = data["satisfaction"], timezone.now()
    return Effect(IncidentEvent.EVALUATED, {"satisfaction": data["satisfaction"]}, notify_org=False)


def is_dispute_lead(case: Case) -> bool:
    return case.category.code == DISPUTE_LEAD


def handle_convert(*, case: Case, actor: User, transition: Transition, data: Mapping[str, Any]) -> Effect:
    """转为矛盾纠纷: a new dispute case, linked to this incident as its parent, with the parties entered now;
    the incident is closed as transferred (the dispute carries on; the incident's photos stay with it)."""
    category = Category.objects.filter(kind=DISPUTE_KIND, code=data["dispute_category"], is_active=True).first()
    if category is None:
        raise ApplicationError(_("请选择矛盾纠纷类别"), field="dispute_category")
    dispute = cs.case_register(
        actor=actor,
        kind=DISPUTE_KIND,
        category=category,
        title=data.get("title") or case.title,
        description=_("由网格事件 %(number)s(矛盾纠纷线索)转入。%(text)s")
        % {"number": case.number, "text": case.description},
        channel=case.channel,
        region=case.region,
        urgency=case.urgency,
        address=case.address,
        lat=case.lat,
        lng=case.lng,
        parties=data["parties"],
        parent=case,
    )
    _close(case)
    return Effect(
        IncidentEvent.CONVERTED,
        {"child": dispute.pk, "child_number": dispute.number, "to_org_name": dispute.assigned_org.name},
        notify_org=False,
    )


# --- steps with more than a form -------------------------------------------------------------------


@transaction.atomic
def incident_feed_back(*, case: Case, actor: User, result: str, photos: Iterable[UploadedFile | None] = ()) -> Case:
    """反馈 with photos of the result: the photos are checked first, then the step is taken and the
    photos attached, all or nothing."""
    checked_photos = photos_check(photos)
    case = cs.case_transition(case=case, actor=actor, action="feedback", data={"comment": result})
    for photo in checked_photos:
        cs.attachment_add(case=case, actor=actor, upload=photo)
    return case


@transaction.atomic
def incident_to_dispute(
    *,
    case: Case,
    actor: User,
    dispute_category: Category | str,
    parties: Iterable[Mapping[str, Any]],
    title: str = "",
    comment: str = "",
) -> Case:
    """Turn a dispute lead into a dispute case in one step; returns the new dispute case."""
    code = dispute_category.code if isinstance(dispute_category, Category) else dispute_category
    case = cs.case_transition(
        case=case,
        actor=actor,
        action="convert",
        data={"dispute_category": code, "parties": list(parties), "title": title, "comment": comment},
    )
    return case.children.get(kind=DISPUTE_KIND)  # one: the incident is closed once converted
