"""The working calendar's override table (节假日及调休维护)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A day whose working status an administrator sets by hand (节假日/调休上班日).

    The `chinesecalendar` package knows the State Council's holiday notices up to the last year it was
    released for; each later year's notice (published every November) is entered here. An entry here
    always wins over the package."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=50, blank=True, help_text=_("如:国庆节、国庆调休上班"))

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.note}"
