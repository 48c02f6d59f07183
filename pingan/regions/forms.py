"""Forms of the regions app: the upload form of the admin's Excel/CSV import page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        help_text=_("Excel(.xlsx,读取第一个工作表)或 CSV(UTF-8 或 GBK 编码),第一行为表头"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> UploadedFile[Any]:
        upload: UploadedFile[Any] = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("仅支持 .xlsx 和 .csv 文件"))
        if (upload.size or 0) > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件不能超过 10 MB"))
        return upload
