"""Re-check every stored ID number (居民身份证号码) against GB 11643 and list the invalid ones for correction.

For installations that stored numbers before the check digit was checked correctly (python-stdnum 2.2
changed `calc_check_digit`), or before 15-digit numbers were converted. The fields are found through the
app registry: every concrete text field named `id_number` or `…_id_number` of every model except the
history copies (simple-history keeps what was, not what is to be corrected). Each record is named with
what it belongs to (a party's case, a grid member's grid), the number masked, the reason in Chinese.
Exits with status 1 when any number is invalid; the run is recorded in the audit log (it reads personal
data)."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from dataclasses import asdict, dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import models
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from pingan.core.audit import audit_log
from pingan.core.masking import mask_id_number
from pingan.core.models import AuditAction
from pingan.core.validators import normalize_id_number

CHUNK = 2000


@dataclass
class Finding:
    model: str  # app_label.model_name
    model_name: str  # the model's Chinese name
    pk: int | str
    field: str
    record: str  # str() of the record: masked by the models that hold personal data
    belongs_to: dict[str, str]  # verbose name of each foreign key → str() of what it points at
    region_code: str
    id_number: str  # masked
    code: str
    reason: str


type IdNumberField = models.CharField[Any, Any]
type Results = list[tuple[type[models.Model], IdNumberField, int, list[Finding]]]


def id_number_fields() -> list[tuple[type[models.Model], IdNumberField]]:
    """(model, field) of every stored ID number."""
    found: list[tuple[type[models.Model], IdNumberField]] = []
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField) and (field.name == "id_number" or field.name.endswith("_id_number")):
                found.append((model, field))
    return found


def _problem(value: str) -> tuple[str, str] | None:
    """(code, reason) of a stored value that is not a valid number in canonical form, or None."""
    try:
        number = normalize_id_number(value)
    except ValidationError as exc:
        return str(exc.code), exc.messages[0]
    if number != value:
        return "id_not_canonical", _("未按18位规范形式保存,应为 %(number)s") % {"number": mask_id_number(number)}
    return None


def _owners(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model._meta.label != settings.AUTH_USER_MODEL
    ]


def _region_code(obj: models.Model, owners: list[models.ForeignKey[Any, Any]]) -> str:
    for candidate in (obj, *(getattr(obj, f.name) for f in owners)):
        if code := getattr(candidate, "region_code", ""):
            return code
    return ""


def check_field(model: type[models.Model], field: IdNumberField) -> tuple[int, list[Finding]]:
    """How many stored numbers of `field` were checked, and the invalid ones."""
    checked = 0
    problems: dict[Any, tuple[str, str, str]] = {}  # pk → (value, code, reason)
    rows = model._default_manager.exclude(**{field.name: ""}).order_by("pk").values_list("pk", field.name)
    for pk, value in rows.iterator(chunk_size=CHUNK):
        checked += 1
        if problem := _problem(value):
            problems[pk] = (value, *problem)
    owners = _owners(model)
    findings: list[Finding] = []
    pks = list(problems)
    for start in range(0, len(pks), CHUNK):
        chunk = model._default_manager.filter(pk__in=pks[start : start + CHUNK]).select_related(
            *(f.name for f in owners)
        )
        for obj in chunk.order_by("pk"):
            value, code, reason = problems[obj.pk]
            findings.append(
                Finding(
                    model=model._meta.label_lower,
                    model_name=str(model._meta.verbose_name),
                    pk=obj.pk,
                    field=field.name,
                    record=str(obj),
                    belongs_to={str(f.verbose_name): str(getattr(obj, f.name)) for f in owners if getattr(obj, f.name)},
                    region_code=_region_code(obj, owners),
                    id_number=mask_id_number(value),
                    code=code,
                    reason=reason,
                )
            )
    return checked, findings


class Command(BaseCommand):
    help = "Re-check every stored ID number (GB 11643) and list the invalid ones; exit status 1 if any."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", dest="as_json", help="machine-readable output")

    def handle(self, *args: Any, as_json: bool = False, **options: Any) -> None:
        results: Results = []
        for model, field in id_number_fields():
            checked, findings = check_field(model, field)
            audit_log(
                actor=None,
                action=AuditAction.VIEW_PERSONAL,
                object_type=model._meta.label_lower,
                reason=_("复核已保存的身份证号码"),
                changes={
                    "command": "check_id_numbers",
                    "field": field.name,
                    "checked": checked,
                    "invalid": len(findings),
                },
            )
            results.append((model, field, checked, findings))
        invalid = [finding for *_rest, findings in results for finding in findings]
        if as_json:
            self._write_json(results, invalid)
        else:
            self._write_text(results, invalid)
        if invalid:
            sys.exit(1)

    def _write_json(self, results: Results, invalid: list[Finding]) -> None:
        document = {
            "checked": {f"{model._meta.label_lower}.{field.name}": checked for model, field, checked, _f in results},
            "invalid": [asdict(finding) for finding in invalid],
        }
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))

    def _write_text(self, results: Results, invalid: list[Finding]) -> None:
        for finding in invalid:
            place = ";".join(f"{name}:{label}" for name, label in finding.belongs_to.items())
            self.stdout.write(
                f"{finding.model_name} #{finding.pk} {finding.record}({place}) {finding.id_number}:{finding.reason}"
            )
        for model, field, checked, findings in results:
            self.stdout.write(
                _("%(model)s.%(field)s:已复核 %(checked)d 个,无效 %(invalid)d 个")
                % {
                    "model": model._meta.verbose_name,
                    "field": field.verbose_name,
                    "checked": checked,
                    "invalid": len(findings),
                }
            )
