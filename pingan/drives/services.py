"""Writes of drives: create or edit a drive, tag a case into or out of it, remove a tag. Each validates
everything before it writes anything, and is audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from pingan.cases import workflows
from pingan.cases.models import Case, Category
from pingan.cases.selectors import cases_visible_to
from pingan.core.audit import audit_log
from pingan.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from pingan.core.models import AuditAction
from pingan.regions.models import Organization, Region

from .choices import DriveStatus, TagAction, TagMode
from .models import Drive, DriveCase, DriveTagLog
from .selectors import may_manage, may_tag

if TYPE_CHECKING:
    from pingan.accounts.models import User

MIN_YEAR = 1990
MAX_DAYS = 3 * 366  # a drive is time-boxed: three years at most
REASON_MIN_LENGTH = 2


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN_LENGTH:
        raise ApplicationError(_("请填写理由(至少 %(n)d 个字)") % {"n": REASON_MIN_LENGTH}, field="reason")
    if len(reason) > 200:
        raise ApplicationError(_("理由不能超过 200 个字"), field="reason")
    return reason


def _drive_errors(
    *,
    actor: User,
    name: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    kinds: Sequence[str],
    categories: Sequence[Category],
    region: Region | None,
    target_regions: Sequence[Region],
    lead_org: Organization | None,
    status: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not name.strip():
        add("name", _("请填写名称"))
    elif len(name.strip()) > 100:
        add("name", _("名称不能超过 100 个字"))
    if start_date is None:
        add("start_date", _("请填写开始日期"))
    elif start_date.year < MIN_YEAR:
        add("start_date", _("日期不能早于%(year)d年") % {"year": MIN_YEAR})
    if end_date is None:
        add("end_date", _("请填写结束日期"))
    elif start_date is not None and end_date < start_date:
        add("end_date", _("结束日期不能早于开始日期"))
    elif start_date is not None and (end_date - start_date).days >= MAX_DAYS:
        add("end_date", _("专项行动不能超过三年"))
    known = {w.kind for w in workflows.kinds()}
    if not kinds:
        add("kinds", _("请至少选择一种案件类型"))
    for kind in kinds:
        if kind not in known:
            add("kinds", _("未知的案件类型:%(kind)s") % {"kind": kind})
    for category in categories:
        if category.kind not in kinds:
            add("categories", _("类别“%(name)s”不属于所选的案件类型") % {"name": category.name})
    if region is None:
        add("region", _("请选择所属区划"))
    else:
        if not may_manage(actor, region):
            add("region", _("您无权在“%(name)s”组织专项行动") % {"name": region.name})
        for target in target_regions:
            if not target.is_within(region):
                add("target_regions", _("排查区域“%(name)s”不在所属区划内") % {"name": target.name})
    if lead_org is None:
        add("lead_org", _("请选择牵头单位"))
    elif region is not None and (not lead_org.is_active or not region.code.startswith(lead_org.region.prefix)):
        add("lead_org", _("牵头单位的管辖范围须包含所属区划"))
    if status not in DriveStatus.values:
        add("status", _("状态无效"))
    return errors


@transaction.atomic
def drive_save(
    *,
    actor: User,
    drive: Drive | None = None,
    name: str,
    description: str = "",
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    kinds: Sequence[str],
    categories: Iterable[Category] = (),
    region: Region | None,
    target_regions: Iterable[Region] = (),
    lead_org: Organization | None,
    status: str = DriveStatus.ACTIVE,
) -> Drive:
    """Create a drive (drive=None) or edit one. The actor must be entitled to run drives at its region (and,
    when editing, at the region it had)."""
    categories, target_regions, kinds = list(categories), list(target_regions), list(dict.fromkeys(kinds))
    if drive is not None and not may_manage(actor, drive.region):
        raise PermissionDeniedError(_("您无权修改该专项行动"))
    errors = _drive_errors(
        actor=actor,
        name=name,
        start_date=start_date,
        end_date=end_date,
        kinds=kinds,
        categories=categories,
        region=region,
        target_regions=target_regions,
        lead_org=lead_org,
        status=status,
    )
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], fields=errors)
    assert region is not None and lead_org is not None and start_date and end_date
    created = drive is None
    if drive is None:
        drive = Drive(created_by=actor)
    drive.name, drive.description = name.strip(), description.strip()
    drive.start_date, drive.end_date, drive.kinds = start_date, end_date, kinds
    drive.region, drive.lead_org, drive.status = region, lead_org, status
    drive._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    drive.save()
    drive.categories.set(categories)
    drive.target_regions.set(target_regions)
    audit_log(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=drive,
        changes={
            "name": drive.name,
            "window": [start_date.isoformat(), end_date.isoformat()],
            "kinds": kinds,
            "categories": sorted(c.code for c in categories),
            "target_regions": sorted(r.code for r in target_regions),
            "status": status,
        },
    )
    return drive


def _visible_case(actor: User, case_ref: int | str) -> Case:
    """A case of the actor's jurisdiction by id, or by its number (案件编号)."""
    ref = str(case_ref).strip()
    if not ref:
        raise ApplicationError(_("请填写案件编号"), field="case")
    visible = cases_visible_to(actor)
    case = visible.filter(pk=int(ref)).first() if ref.isdigit() else visible.filter(number=ref.upper()).first()
    if case is None:
        raise NotFoundError(_("案件不存在或不在您的辖区内"), field="case")
    return case


@transaction.atomic
def drive_tag(*, drive: Drive, case_ref: int | str, actor: User, mode: str = TagMode.INCLUDE, reason: str) -> DriveCase:
    """Tag a case by hand: counted in the drive (纳入), or left out of it (排除). The case must be in the
    actor's jurisdiction and in the drive's scope (its target regions); tagging in a case the drive counts
    anyway, or tagging out one it does not count, is refused."""
    if not may_tag(actor):
        raise PermissionDeniedError(_("您的岗位不能标记专项行动的案件"))
    if mode not in TagMode.values:
        raise ApplicationError(_("方式应为 include(纳入)或 exclude(排除)"), field="mode")
    reason = _reason(reason)
    case = _visible_case(actor, case_ref)
    if not drive.in_scope(case):
        raise ApplicationError(_("案件不在专项行动的排查区域内"), field="case")
    Drive.objects.select_for_update().filter(pk=drive.pk).first()  # one tag at a time per drive
    if DriveCase.objects.filter(drive=drive, case=case).exists():
        raise ApplicationError(_("该案件已标记,请先取消原标记"), field="case")
    counted = Case.objects.filter(pk=case.pk).filter(drive.window_q()).exists()
    if mode == TagMode.INCLUDE and counted:
        raise ApplicationError(_("该案件已自动计入专项行动,无需纳入"), field="case")
    if mode == TagMode.EXCLUDE and not counted:
        raise ApplicationError(_("该案件本不计入专项行动,无需排除"), field="case")
    tag = DriveCase.objects.create(drive=drive, case=case, mode=mode, reason=reason, tagged_by=actor)
    DriveTagLog.objects.create(drive=drive, case=case, action=TagAction.ADDED, mode=mode, reason=reason, actor=actor)
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=drive,
        region_code=case.region_code,
        reason=reason,
        changes={"tag": mode, "case": case.number},
    )
    return tag


@transaction.atomic
def drive_untag(*, drive: Drive, case_ref: int | str, actor: User, reason: str) -> DriveTagLog:
    """Remove a hand tag, with the reason; the log keeps it."""
    if not may_tag(actor):
        raise PermissionDeniedError(_("您的岗位不能标记专项行动的案件"))
    reason = _reason(reason)
    case = _visible_case(actor, case_ref)
    tag = DriveCase.objects.select_for_update().filter(drive=drive, case=case).first()
    if tag is None:
        raise ApplicationError(_("该案件没有手工标记"), field="case")
    mode = tag.mode
    tag.delete()
    entry = DriveTagLog.objects.create(
        drive=drive, case=case, action=TagAction.REMOVED, mode=mode, reason=reason, actor=actor
    )
    audit_log(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=drive,
        region_code=case.region_code,
        reason=reason,
        changes={"untag": mode, "case": case.number},
    )
    return entry
