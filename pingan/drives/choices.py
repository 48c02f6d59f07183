from django.db import models
from django.utils.translation import gettext_lazy as _

from pingan.accounts.choices import Role


class DriveStatus(models.TextChoices):
    """Where a drive (专项行动) stands. Its figures do not depend on it: they follow the window and scope."""

    PLANNED = "planned", _("筹备中")
    ACTIVE = "active", _("进行中")
    FINISHED = "finished", _("已结束")


class TagMode(models.TextChoices):
    """A case tagged by hand: counted although outside the drive's window or categories, or left out."""

    INCLUDE = "include", _("手工纳入")
    EXCLUDE = "exclude", _("手工排除")


class TagAction(models.TextChoices):
    ADDED = "added", _("标记")
    REMOVED = "removed", _("取消标记")


# Who may create and edit a drive: the staff, head or leaders of a centre (or the 政法委) whose region
# covers the drive's region (docs/drives.md).
MANAGER_ROLES = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD, Role.LEADER})
# Who may tag cases into or out of a drive they see: the centres' people and the mediators who find them.
TAGGER_ROLES = frozenset({Role.CENTRE_STAFF, Role.CENTRE_HEAD, Role.LEADER, Role.MEDIATOR})
