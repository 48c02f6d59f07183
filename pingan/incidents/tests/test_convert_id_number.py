"""转为矛盾纠纷 is a door for an ID number too: the applicant's number as typed (spaced, full width, 15 digits
— longer than 18 characters) is stored in its 18-digit form; a wrong check digit is refused on the page."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pingan.cases.models import Case
from pingan.core.testing import with_check_digit
from pingan.incidents.choices import IncidentState as S
from pingan.incidents.services import incident_report


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def converting(client, grids):
    lead = incident_report(
        actor=grids.worker, category="inc_dispute_lead", description="两户争吵。", lng=113.09, lat=27.8
    )
    client.force_login(grids.worker)

    def post(id_number: str):
        data = {"dispute_category": "neighbour", "applicant_name": "张三", "applicant_id_number": id_number}
        return lead, client.post(f"/cases/{lead.pk}/actions/convert/", data)

    return post


def test_a_typed_first_generation_number_is_stored_in_its_18_digit_form(converting):
    # GB 11643-1989 15-digit number; its 18-digit form by the GB 11643-1999 formula (computed in the helper).
    lead, response = converting("４３０２２１\u3000６２０７０１\u3000３３４")
    assert response.status_code == 302
    assert Case.objects.get(parent=lead).parties.get().id_number == with_check_digit("43022119620701334")


def test_a_wrong_check_digit_is_refused_on_the_page(converting):
    valid = with_check_digit("43022119620701334")
    lead, response = converting(valid[:17] + ("0" if valid[17] != "0" else "1"))
    assert response.status_code == 400
    assert "身份证号码校验位错误,请核对" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == S.REPORTED and not Case.objects.filter(parent=lead).exists()
