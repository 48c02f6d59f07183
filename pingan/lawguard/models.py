"""法治护航's register (docs/lawguard.md). Everything a service kind, the enterprise portal and the ledger
share: the enterprises and who serves them (workstations, the 三官一律 with their history, the expert team),
the enterprises' portal accounts, which cases concern which enterprise and who delivered them, the
risk-prevention suggestions with their lifecycle, the recovered losses and the enterprises' ratings.

Writes go through lawguard.services; personal data (contacts' and people's phones) is stored encrypted
(core.fields) and shown masked."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pingan.cases.models import Attachment, Case
from pingan.core.fields import BlindIndexed, BlindIndexField, EncryptedCharField
from pingan.core.masking import mask_name, mask_phone
from pingan.regions.models import Organization, Region

from .choices import (
    GuardRole,
    Industry,
    LinkRelation,
    ProviderRole,
    RecoveryMethod,
    Scale,
    Severity,
    SpecialisationLevel,
    SuggestionStatus,
)


class Workstation(models.Model):
    """A 法治护航工作站: an organisation of type 法治护航工作站 (so cases can be routed to it and its staff are
    its memberships), where it is, and the regions it serves. The enterprises it serves point to it."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="workstation"
    )
    address = models.CharField(_("地址"), max_length=200)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    regions = models.ManyToManyField(Region, verbose_name=_("服务区域"), related_name="law_workstations", blank=True)
    opened_on = models.DateField(_("设立日期"), null=True, blank=True)
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("运行中"), default=True)

    history = HistoricalRecords(m2m_fields=[regions])

    class Meta:
        verbose_name = _("法治护航工作站")
        verbose_name_plural = _("法治护航工作站")
        ordering = ["organization__code"]

    def __str__(self) -> str:
        return self.organization.name


class Enterprise(models.Model):
    """An enterprise served by 法治护航. The 统一社会信用代码 (GB 32100-2015) is validated and unique; the
    address is located to its region and grid cell."""

    name = models.CharField(_("企业名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    industry = models.CharField(_("行业门类"), max_length=1, choices=Industry.choices)
    scale = models.CharField(_("企业规模"), max_length=10, choices=Scale.choices)
    level = models.CharField(
        _("专精特新等级"), max_length=20, choices=SpecialisationLevel.choices, blank=True, default=""
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="enterprises")
    region_code = models.CharField(_("区划代码"), max_length=20, db_index=True, editable=False)
    grid_code = models.CharField(_("所在网格"), max_length=20, blank=True, db_index=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    workstation = models.ForeignKey(
        Workstation,
        verbose_name=_("服务工作站"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [models.Index(fields=["region_code", "level"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)


class EnterpriseContact(BlindIndexed, models.Model):
    """A contact person of an enterprise (联系人): name and phone shown masked, the phone stored encrypted."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=20, purpose="phone")
    phone_index = BlindIndexField(source="phone")
    is_primary = models.BooleanField(_("主要联系人"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业联系人")
        verbose_name_plural = _("企业联系人")
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return mask_name(self.name)

    @property
    def masked(self) -> dict[str, str]:
        return {"name": mask_name(self.name), "position": self.position, "phone": mask_phone(self.phone)}


class GuardAssignment(BlindIndexed, models.Model):
    """One of an enterprise's 三官一律: who served in which role, from when until when. At most one current
    holder per role (ended_on empty); a change ends the old assignment and starts a new one, so the history
    shows who served when."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="guard_assignments"
    )
    role = models.CharField(_("角色"), max_length=12, choices=GuardRole.choices)
    person_name = models.CharField(_("姓名"), max_length=50)
    unit = models.CharField(_("所在单位"), max_length=100, help_text=_("法院、检察院、公安机关或律师事务所"))
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True, purpose="phone")
    phone_index = BlindIndexField(source="phone")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("系统账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guard_assignments",
    )
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("三官一律派驻")
        verbose_name_plural = _("三官一律派驻")
        ordering = ["enterprise", "role", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "role"], condition=Q(ended_on__isnull=True), name="one_current_guard_per_role"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="guard_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {mask_name(self.person_name)}"


class Expert(BlindIndexed, models.Model):
    """A member of the legal expert team (法律专家团): hard questions escalate to the team (an organisation of
    type 法律专家团) and are answered by a member whose specialities fit."""

    team = models.ForeignKey(Organization, verbose_name=_("专家团"), on_delete=models.PROTECT, related_name="experts")
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.CharField(_("工作单位"), max_length=100)
    title = models.CharField(_("职称/职务"), max_length=50, blank=True)
    specialities = models.JSONField(_("专业领域"), default=list, help_text=_("Speciality 的取值"))
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True, purpose="phone")
    phone_index = BlindIndexField(source="phone")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("系统账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profiles",
    )
    joined_on = models.DateField(_("入库日期"))
    is_active = models.BooleanField(_("在库"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("法律专家")
        verbose_name_plural = _("法律专家")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnterpriseAccount(models.Model):
    """A portal account tied to an enterprise (by its credit code), created by a workstation. Its user has no
    membership anywhere: through the portal it sees its own enterprise and nothing else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="enterprise_account"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="accounts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("开通人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("开通时间"), default=timezone.now)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("企业账号")
        verbose_name_plural = _("企业账号")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.user}"


class ServiceLink(models.Model):
    """A case that concerns an enterprise: a consultation, a legal service (法治体检 among them) or a dispute it
    is party to; with the workstation credited and who delivered it (the 三官一律 role, an expert or the
    workstation's staff). The ledger counts by these columns; the portal lists an enterprise's cases by them."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="links")
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="enterprise_links")
    relation = models.CharField(_("关系"), max_length=20, choices=LinkRelation.choices)
    workstation = models.ForeignKey(
        Workstation, verbose_name=_("工作站"), null=True, blank=True, on_delete=models.SET_NULL, related_name="links"
    )
    provider_role = models.CharField(_("服务人员角色"), max_length=12, choices=ProviderRole.choices, blank=True)
    provider_name = models.CharField(_("服务人员"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("关联时间"), default=timezone.now)

    class Meta:
        verbose_name = _("涉企案件")
        verbose_name_plural = _("涉企案件")
        constraints = [models.UniqueConstraint(fields=["enterprise", "case"], name="one_link_per_enterprise_case")]
        indexes = [models.Index(fields=["relation", "provider_role"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.case}"


class Suggestion(models.Model):
    """A risk-prevention suggestion (风险防范建议) issued to an enterprise, from a 法治体检's finding or a
    consultation (`source_case`): issued → accepted → implemented → verified at the 回访 date, or declined with
    a reason. The enterprise answers it in the portal; the workstation verifies it at the 回访."""

    number = models.CharField(_("编号"), max_length=30, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="suggestions"
    )
    source_case = models.ForeignKey(
        Case, verbose_name=_("来源"), null=True, blank=True, on_delete=models.SET_NULL, related_name="law_suggestions"
    )
    workstation = models.ForeignKey(
        Workstation,
        verbose_name=_("工作站"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("建议内容"))
    severity = models.CharField(_("风险等级"), max_length=10, choices=Severity.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=SuggestionStatus.choices, default=SuggestionStatus.ISSUED, db_index=True
    )
    issued_at = models.DateTimeField(_("发出时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发出人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    implement_by = models.DateField(_("整改期限"), null=True, blank=True)
    revisit_on = models.DateField(_("回访日期"))
    enterprise_reply = models.TextField(_("企业答复"), blank=True)
    accepted_at = models.DateTimeField(_("采纳时间"), null=True, blank=True)
    implemented_at = models.DateTimeField(_("落实时间"), null=True, blank=True)
    implementation_note = models.TextField(_("落实情况"), blank=True)
    verified_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verification_note = models.TextField(_("回访情况"), blank=True)
    declined_at = models.DateTimeField(_("不采纳时间"), null=True, blank=True)
    decline_reason = models.TextField(_("不采纳理由"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("风险防范建议")
        verbose_name_plural = _("风险防范建议")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["status", "revisit_on"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class RecoveredLoss(models.Model):
    """A loss recovered for an enterprise (挽回损失): how much, how, when, in which case, with the evidence
    (files of that case). The ledger totals them."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="recovered_losses"
    )
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="recovered_losses")
    workstation = models.ForeignKey(
        Workstation, verbose_name=_("工作站"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.DecimalField(
        _("挽回金额(元)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    method = models.CharField(_("挽回方式"), max_length=12, choices=RecoveryMethod.choices)
    recovered_on = models.DateField(_("挽回日期"))
    description = models.TextField(_("情况说明"))
    evidence = models.ManyToManyField(Attachment, verbose_name=_("证明材料"), related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("挽回损失")
        verbose_name_plural = _("挽回损失")
        ordering = ["-recovered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} ¥{self.amount}"


class ServiceRating(models.Model):
    """An enterprise's rating of one service it received (满意度评价), once per case."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="enterprise_ratings")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(
        _("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)], help_text=_("1–5 分")
    )
    comment = models.TextField(_("评价意见"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")
        constraints = [
            models.UniqueConstraint(fields=["case", "enterprise"], name="one_rating_per_enterprise_case"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.case} {self.score}"
