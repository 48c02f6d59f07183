"""The working calendar's tables: the State Council's yearly notices and the days they set (节假日及调休维护)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayNotice(models.Model):
    """A year's holiday notice (国务院办公厅关于某年部分节假日安排的通知) as an administrator entered it.

    A year that `chinesecalendar` does not know is counted on the statutory holidays alone, provisionally,
    until its notice is entered here together with every day it sets off and every 调休 working weekend
    (the `days` below). From then on the notice's days replace the computed ones and nothing counted in
    that year is provisional any more."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    document_number = models.CharField(_("文号"), max_length=50, help_text=_("如:国办发明电〔2025〕7号"))
    published_on = models.DateField(_("发布日期"))

    class Meta:
        verbose_name = _("放假通知")
        verbose_name_plural = _("放假通知")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.document_number}"


class CalendarOverride(models.Model):
    """A day whose working status an administrator sets by hand (节假日/调休上班日).

    The `chinesecalendar` package knows the State Council's holiday notices up to the last year it was
    released for; each later year's notice (published every November) is entered with its days as a
    `HolidayNotice`. A single day may also be set on its own. An entry here always wins."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=50, blank=True, help_text=_("如:国庆节、国庆调休上班"))
    notice = models.ForeignKey(
        HolidayNotice,
        verbose_name=_("放假通知"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="days",
    )

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.note}"

    def clean(self) -> None:
        if self.notice is not None and self.date is not None and self.date.year != self.notice.year:
            raise ValidationError({"date": _("日期须在通知所属的 %(year)s 年内") % {"year": self.notice.year}})
