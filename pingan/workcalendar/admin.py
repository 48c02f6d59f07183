from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .calendar import package_covers
from .models import CalendarOverride, HolidayNotice
from .signals import calendar_changed
from .statutory import STATUTORY_SINCE, statutory_holidays


def _changed(sender: type, *years: int) -> None:
    calendar_changed.send(sender=sender, years=set(years))


class HolidayNoticeForm(forms.ModelForm):
    class Meta:
        model = HolidayNotice
        fields = ["year", "document_number", "published_on"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year < STATUTORY_SINCE:
            raise ValidationError(_("只能录入 %(year)s 年及以后的放假通知") % {"year": STATUTORY_SINCE})
        if package_covers(year):
            raise ValidationError(_("系统已内置 %(year)s 年的放假安排,无需录入") % {"year": year})
        return year


class NoticeDaysFormSet(forms.BaseInlineFormSet):
    """A notice is entered whole: every statutory holiday that falls on a weekday must be among its days
    off, otherwise the year would count it as a working day once the computed days are replaced."""

    def clean(self) -> None:
        super().clean()
        year = self.instance.year
        if any(self.errors) or not year or year < STATUTORY_SINCE or package_covers(year):
            return  # the notice's own fields carry the error
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        rest = {row["date"] for row in rows if not row["is_workday"]}
        missing = [
            _("%(month)s月%(day)s日(%(name)s)") % {"month": day.month, "day": day.day, "name": name}
            for day, name in statutory_holidays(year).items()
            if day.weekday() < 5 and day not in rest
        ]
        if missing:
            raise ValidationError(
                _("通知录入不完整,以下法定节假日须录入为休息日:%(days)s") % {"days": "、".join(missing)}
            )


class NoticeDayInline(admin.TabularInline):
    model = CalendarOverride
    formset = NoticeDaysFormSet
    fields = ["date", "is_workday", "note"]
    extra = 3


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(admin.ModelAdmin):
    """The yearly notice, entered with every day it sets off and every 调休 working day."""

    form = HolidayNoticeForm
    inlines = [NoticeDayInline]
    list_display = ["year", "document_number", "published_on"]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        years = {form.instance.year}
        if change and "year" in form.changed_data:
            years.add(form.initial["year"])
        _changed(HolidayNotice, *years)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        _changed(HolidayNotice, obj.year)

    def delete_queryset(self, request, queryset) -> None:
        years = set(queryset.values_list("year", flat=True))
        super().delete_queryset(request, queryset)
        _changed(HolidayNotice, *years)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note", "notice"]
    list_filter = ["is_workday", "notice"]
    date_hierarchy = "date"
    search_fields = ["note"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        years = {obj.date.year}
        if change and "date" in form.changed_data:
            years.add(form.initial["date"].year)
        _changed(CalendarOverride, *years)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        _changed(CalendarOverride, obj.date.year)

    def delete_queryset(self, request, queryset) -> None:
        years = {day.year for day in queryset.values_list("date", flat=True)}
        super().delete_queryset(request, queryset)
        _changed(CalendarOverride, *years)
