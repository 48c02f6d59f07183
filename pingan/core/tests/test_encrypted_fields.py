"""ID numbers and phones at rest (issue 9): the columns hold ciphertext — the parties', the grid people's,
the users', and their simple_history copies — while the model, the pages and "search by phone" see the plain
value through the blind index; `rotate_data_key` moves every row to the newest key; the data migration
encrypts rows written before it (and its reverse decrypts them)."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from conftest import GOOD_ID
from pingan.cases.models import Case, Party
from pingan.cases.selectors import CaseSearch
from pingan.cases.services import party_update
from pingan.core import crypto
from pingan.core.management.commands.rotate_data_key import encrypted_tables
from pingan.core.resealing import Column, Mode, Table, reseal_table

KEY_1 = base64.b64encode(b"1" * 32).decode()
KEY_2 = base64.b64encode(b"2" * 32).decode()
INDEX = base64.b64encode(b"i" * 32).decode()

ENCRYPTED = {
    "cases_party": ("id_number", "phone"),
    "cases_historicalparty": ("id_number", "phone"),
    "grids_gridmember": ("id_number", "phone"),
    "grids_historicalgridmember": ("id_number", "phone"),
    "accounts_user": ("phone",),
    # 法治护航's register: enterprises' contacts, the 三官一律 and the experts (pingan.lawguard).
    "lawguard_enterprisecontact": ("phone",),
    "lawguard_historicalenterprisecontact": ("phone",),
    "lawguard_guardassignment": ("phone",),
    "lawguard_historicalguardassignment": ("phone",),
    "lawguard_expert": ("phone",),
    "lawguard_historicalexpert": ("phone",),
}


def raw(table: str, *columns: str) -> list[tuple[str, ...]]:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(table)}")
        return [tuple(row) for row in cursor.fetchall()]


@pytest.fixture
def key_1(settings):
    settings.PINGAN_DATA_KEYS = f"k1:{KEY_1}"
    settings.PINGAN_DATA_INDEX_KEY = INDEX
    return settings


@pytest.fixture
def people_on_file(key_1, dispute, grids, people, lawguard_scene):
    people.clerk.phone = "13800138001"
    people.clerk.save()
    lawguard_scene.enterprise.contacts.create(name="钱法务", phone="13800138002")
    guard = lawguard_scene.enterprise.guard_assignments.first()
    guard.phone = "13800138003"
    guard.save()
    lawguard_scene.expert.phone = "13800138004"
    lawguard_scene.expert.save()
    return dispute


def test_the_columns_hold_ciphertext_and_the_models_plain_text(people_on_file, grids):
    assert encrypted_tables() == sorted(encrypted_tables(), key=lambda t: t.name)
    assert {t.name: tuple(sorted(c.name for c in t.columns)) for t in encrypted_tables()} == ENCRYPTED
    for table, columns in ENCRYPTED.items():
        values = [value for row in raw(table, *columns) for value in row if value]
        assert values, table
        assert all(value.startswith("pa1:k1:") for value in values), table
        assert not any(GOOD_ID in value or "1380013800" in value for value in values), table
    # The acceptance check of the issue, word for word.
    assert all(v.startswith("pa1:") for (v,) in raw("cases_party", "id_number") if v)
    party = people_on_file.parties.get(role="applicant")
    assert (party.id_number, party.phone) == (GOOD_ID, "13800138000")
    assert party.history.first().phone == "13800138000"
    assert grids.volunteer.history.first().phone == "13907330002"


def test_search_by_phone_or_id_number_still_finds_the_case(people_on_file, people, client):
    for typed in ("+86 138 0013 8000", GOOD_ID, "430211 19850315 0016"):
        assert list(CaseSearch.parse(typed).apply(Case.objects.all())) == [people_on_file], typed
    client.force_login(people.clerk)
    body = client.get(reverse("case-list"), {"q": "138-0013-8000"}).content.decode()
    assert people_on_file.number in body
    assert Party.objects.filter(phone__in=["13800138000", "0731-22880000"]).count() == 2
    assert Party.objects.exclude(id_number="").count() == 1


def test_a_corrected_phone_is_found_by_its_new_number(people_on_file, people):
    party = people_on_file.parties.get(role="applicant")
    party_update(case=people_on_file, actor=people.clerk, party_id=party.pk, data={"phone": "13900139000"})
    assert Party.objects.filter(phone="13900139000").get() == party
    assert not Party.objects.filter(phone="13800138000").exists()


@pytest.mark.parametrize("lookup", ["icontains", "startswith", "endswith", "gt"])
def test_ciphertext_cannot_be_searched_by_part(key_1, lookup):
    with pytest.raises(FieldError, match="encrypted"):
        list(Party.objects.filter(**{f"phone__{lookup}": "138"}))


def test_rotate_data_key_moves_every_row_and_its_history_to_the_newest_key(people_on_file, settings):
    settings.PINGAN_DATA_KEYS = f"k2:{KEY_2},k1:{KEY_1}"
    call_command("rotate_data_key", "--batch-size", "1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for table, columns in ENCRYPTED.items():
        values = [value for row in raw(table, *columns) for value in row if value]
        assert values and all(value.startswith("pa1:k2:") for value in values), table
    settings.PINGAN_DATA_KEYS = f"k2:{KEY_2}"  # the old key retired
    party = people_on_file.parties.get(role="applicant")
    assert (party.id_number, party.phone) == (GOOD_ID, "13800138000")
    assert Party.objects.filter(phone="13800138000").get() == party  # the index did not move
    history = next(t for t in encrypted_tables() if t.name == "cases_historicalparty")
    assert reseal_table(connection, history, Mode.ROTATE) == 0  # a second run finds nothing to do


def test_the_data_migration_encrypts_plain_rows_and_its_reverse_decrypts_them(people_on_file):
    """What 0009_party_personal_data_encrypted runs: rows as they were before it (plain, no index) come out
    sealed and indexed; the reverse gives the plain values back."""
    table = Table("cases_party", "id", (Column("id_number", "id_number"), Column("phone", "phone")))
    assert reseal_table(connection, table, Mode.DECRYPT, batch_size=1) == 2
    assert sorted(raw("cases_party", "id_number", "phone")) == [("", "0731-22880000"), (GOOD_ID, "13800138000")]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_party SET id_number_index = '', phone_index = ''")
    assert reseal_table(connection, table, Mode.ENCRYPT, batch_size=1) == 2
    assert all(v.startswith("pa1:k1:") for row in raw("cases_party", "id_number", "phone") for v in row if v)
    assert Party.objects.filter(id_number=GOOD_ID).count() == 1
    assert reseal_table(connection, table, Mode.ENCRYPT) == 0  # already sealed rows are left alone


def test_a_row_changed_during_a_run_is_not_overwritten(people_on_file, monkeypatch):
    """The rewrite is guarded by the value read: a concurrent save is not lost."""
    table = Table("cases_party", "id", (Column("phone", "phone"),))
    party = people_on_file.parties.get(role="applicant")
    real_encrypt = crypto.encrypt

    def encrypt_while_someone_saves(value: str, **kwargs):
        if value == "13800138000":
            Party.objects.filter(pk=party.pk).update(phone="13911112222")
        return real_encrypt(value, **kwargs)

    monkeypatch.setattr(crypto, "encrypt", encrypt_while_someone_saves)
    reseal_table(connection, table, Mode.REINDEX)
    party.refresh_from_db()
    assert party.phone == "13911112222"
