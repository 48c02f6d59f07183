"""Model fields for personal identifiers stored encrypted (core.crypto), found by a blind index.

    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True, purpose="phone")
    phone_index = BlindIndexField(source="phone")

The model sees plain text; the column holds `pa1:<kid>:…` (AES-256-GCM). `max_length` is the plain
value's (forms and validators check it); the column is as wide as the sealed text needs. The index column
(`<name>_index`, HMAC-SHA256 of the canonical value) is computed on every save, bulk_create included.

Lookups: `filter(phone=value)` and `filter(phone__in=values)` are answered by the index column (the value
is put in canonical form first, so "138 0013 8000" finds 13800138000); any other lookup (icontains,
startswith, …) is refused with FieldError, since ciphertext cannot be searched. `QuerySet.update()` does not
recompute the index: write these fields through save(). A model whose saves name `update_fields` mixes in
`BlindIndexed`, which adds the index columns of the encrypted fields named.

simple_history copies both fields into the historical model, so its table holds ciphertext too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In, IsNull, Lookup
from django.utils.datastructures import DictWrapper

from . import crypto

INDEX_SUFFIX = "_index"


class EncryptedCharField(models.CharField[str, str]):
    description = "Text encrypted with AES-256-GCM (core.crypto)"

    def __init__(self, *args: Any, purpose: str = "", **kwargs: Any) -> None:
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    @property
    def sealed_max_length(self) -> int:
        return crypto.sealed_max_length(self.max_length or 0)

    def db_type_parameters(self, connection: BaseDatabaseWrapper) -> DictWrapper[Any]:
        # The column holds the sealed text: as wide as the longest plain value needs once sealed.
        return DictWrapper({**self.__dict__, "max_length": self.sealed_max_length}, connection.ops.quote_name, "qn_")

    def from_db_value(self, value: str | None, expression: Any, connection: BaseDatabaseWrapper) -> str | None:
        if value is None:
            return value
        return crypto.decrypt(value, purpose=self.purpose)

    def get_db_prep_save(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        value = self.get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt(str(value), purpose=self.purpose)

    def index_field(self) -> BlindIndexField:
        field = self.model._meta.get_field(self.name + INDEX_SUFFIX)
        assert isinstance(field, BlindIndexField)
        return field

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name == "exact":
            return IndexedExact
        if lookup_name == "in":
            return IndexedIn
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: only exact and in lookups (by its blind index)"
        )

    def get_transform(self, lookup_name: str) -> Any:
        return None


class BlindIndexField(models.CharField[str, str]):
    """The keyed index (HMAC-SHA256, hex) of an EncryptedCharField of the same model, set on save."""

    description = "Blind index of an encrypted field"

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in (("max_length", 64), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == value:
                del kwargs[key]
        if kwargs.get("db_index") is True:
            del kwargs["db_index"]
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def source_field(self) -> EncryptedCharField:
        field = self.model._meta.get_field(self.source)
        assert isinstance(field, EncryptedCharField)
        return field

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = crypto.blind_index(getattr(model_instance, self.source) or "", purpose=self.source_field().purpose)
        setattr(model_instance, self.attname, value)
        return value


def _index_column(lhs: Any) -> tuple[Col, EncryptedCharField]:
    if not isinstance(lhs, Col) or not isinstance(lhs.target, EncryptedCharField):
        raise FieldError("an encrypted field can only be compared as a column, by its blind index")
    field = lhs.target
    return Col(lhs.alias, field.index_field()), field


def _literal(value: Any) -> str:
    if hasattr(value, "resolve_expression"):
        raise FieldError("an encrypted field can only be compared with a value, by its blind index")
    return "" if value is None else str(value)


class IndexedExact(Exact):
    """`field=value` on an encrypted field: `field_index = blind_index(value)`."""

    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> Any:
        column, field = _index_column(self.lhs)
        digest = crypto.blind_index(_literal(self.rhs), purpose=field.purpose)
        return compiler.compile(Exact(column, digest))


class IndexedIn(In):
    """`field__in=values` on an encrypted field: `field_index IN (blind_index(value), …)`."""

    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> Any:
        column, field = _index_column(self.lhs)
        values: Iterable[Any] = self.rhs
        digests = sorted({crypto.blind_index(_literal(value), purpose=field.purpose) for value in values})
        return compiler.compile(In(column, digests))


def encrypted_fields(model: type[models.Model]) -> list[EncryptedCharField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedCharField)]


class BlindIndexed:
    """Mix into a model with encrypted fields: a save naming `update_fields` writes their index too."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            names = set(update_fields)
            for field in encrypted_fields(type(self)):  # type: ignore[arg-type]
                if field.name in names or field.attname in names:
                    names.add(field.name + INDEX_SUFFIX)
            kwargs["update_fields"] = sorted(names)
        super().save(*args, **kwargs)  # type: ignore[misc]
