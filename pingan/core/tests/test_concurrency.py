"""The edit token of core.concurrency: one keyed digest per field, so a stale copy names what changed."""

from __future__ import annotations

import pytest

from pingan.core.concurrency import StaleEdit, changed_fields, check_unchanged, edit_token, if_match
from pingan.core.errors import ApplicationError
from pingan.core.models import IdempotencyRecord

FIELDS = ("scope", "key", "status_code")


def record(**changes: object) -> IdempotencyRecord:
    values: dict[str, object] = {"pk": 7, "scope": "user:1", "key": "k", "status_code": 201, **changes}
    return IdempotencyRecord(**values)


def test_the_token_names_exactly_the_fields_that_changed():
    token = edit_token(record(), FIELDS)
    assert edit_token(record(), FIELDS) == token and len(token) == 8 * len(FIELDS)
    assert changed_fields(record(key="k2", status_code=200), FIELDS, token) == ["key", "status_code"]
    assert edit_token(record(pk=8), FIELDS) != token  # a token never fits another record
    check_unchanged(record(), FIELDS, token)
    check_unchanged(record(key="other"), FIELDS, None)  # no token, no check
    with pytest.raises(StaleEdit) as stale:
        check_unchanged(record(key="other"), FIELDS, token)
    assert stale.value.status_code == 409 and set(stale.value.fields) == {"key"} and "幂等键" in stale.value.message
    with pytest.raises(ApplicationError):
        changed_fields(record(), FIELDS, "zz")


def test_if_match_reads_strong_and_weak_entity_tags_rfc_9110(rf):
    # RFC 9110 §8.8.3: entity-tag = [ weak ] opaque-tag; weak = %s"W/"; opaque-tag = DQUOTE *etagc DQUOTE.
    assert if_match(rf.patch("/", HTTP_IF_MATCH='"abc"')) == "abc"
    assert if_match(rf.patch("/", HTTP_IF_MATCH='W/"abc"')) == "abc"
    assert if_match(rf.patch("/", HTTP_IF_MATCH="*")) is None
    assert if_match(rf.patch("/")) is None
