"""Dispute help, recovered losses and ratings (outcome_services), and the ledger's totals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from pingan.cases.choices import PartyRole, PartyType
from pingan.cases.models import Case, CaseEvent
from pingan.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from pingan.core.models import AuditAction, AuditLog
from pingan.lawguard import outcome_selectors as sel
from pingan.lawguard import outcome_services as svc
from pingan.lawguard.choices import LinkRelation, RecoveryMethod
from pingan.lawguard.models import RecoveredLoss, ServiceLink, ServiceRating

from .outcome_scene import linked_dispute

pytestmark = pytest.mark.django_db
COUNTERPARTY = {"name": "株洲某贸易有限公司", "party_type": PartyType.ORGANIZATION, "phone": "0731-28880000"}


def _help(actor, enterprise, **changes):
    values = {
        "actor": actor,
        "enterprise": enterprise,
        "counterparty": COUNTERPARTY,
        "title": "货款拖欠纠纷",
        "description": "对方拖欠货款 120 万元逾期未付。",
        "category": "contract_debt",
        **changes,
    }
    return svc.dispute_help_open(**values)


def test_dispute_help_opens_a_dispute_with_the_enterprise_as_applicant(lawguard_scene):
    g = lawguard_scene
    case = _help(g.staff, g.enterprise)
    assert (case.kind, case.region_code) == ("dispute", g.enterprise.region_code)
    parties = {p.role: p for p in case.parties.all()}
    applicant = parties[PartyRole.APPLICANT]
    assert (applicant.name, applicant.party_type, applicant.legal_representative) == (
        g.enterprise.name,
        PartyType.ORGANIZATION,
        "李董事",
    )
    assert parties[PartyRole.RESPONDENT].name == "株洲某贸易有限公司"
    link = ServiceLink.objects.get(case=case)
    assert (link.enterprise, link.relation, link.workstation) == (g.enterprise, LinkRelation.DISPUTE, g.station)
    assert CaseEvent.objects.filter(case=case, type=svc.EV_DISPUTE_HELP).exists()


def test_from_the_portal_the_workstation_intake_account_registers_it(lawguard_scene):
    g = lawguard_scene
    case = _help(g.portal_user, g.enterprise)
    assert case.created_by.username == f"portal-{g.station_org.code}".lower()
    assert case.channel == "online"
    assert CaseEvent.objects.get(case=case, type=svc.EV_DISPUTE_HELP).params["requested_by"] == "钻石切削法务"
    with pytest.raises(NotFoundError):  # another enterprise's user cannot file for it
        _help(g.other_user, g.enterprise)
    with pytest.raises(ApplicationError, match="尚无服务工作站"):  # 荷塘机电 has no workstation
        _help(g.other_user, g.other)
    with pytest.raises(ApplicationError, match="请填写对方当事人名称"):
        _help(g.portal_user, g.enterprise, counterparty={"name": " "})
    assert Case.objects.count() == 1


def _record(g, case, evidence, **changes):
    values = {
        "actor": g.staff,
        "enterprise": g.enterprise,
        "case": case,
        "amount": "1200000.00",
        "method": RecoveryMethod.MEDIATION,
        "recovered_on": timezone.localdate(),
        "description": "经调解对方分期支付货款",
        "evidence": evidence,
        **changes,
    }
    return svc.recovered_loss_record(**values)


def test_a_loss_needs_a_linked_case_its_evidence_and_a_sane_amount(lawguard_scene, dispute, people):
    g = lawguard_scene
    case, attachment = linked_dispute(g, dispute, people)
    refusals = [
        ({"evidence": []}, "evidence", "请提供证明材料"),
        ({"amount": "0"}, "amount", "挽回金额须大于 0"),
        ({"amount": "-5"}, "amount", "挽回金额须大于 0"),
        ({"amount": "1000000000000.01"}, "amount", "超出合理范围"),
        ({"amount": "12.345"}, "amount", "两位小数"),
        ({"amount": "abc"}, "amount", "金额格式无效"),
        ({"recovered_on": timezone.localdate() + datetime.timedelta(days=1)}, "recovered_on", "不能晚于今天"),
        ({"method": "magic"}, "method", "挽回方式无效"),
        ({"description": ""}, "description", "请填写情况说明"),
    ]
    for changes, field, message in refusals:
        with pytest.raises(ApplicationError, match=message) as error:
            _record(g, case, **{"evidence": [attachment], **changes})
        assert field in error.value.fields
    with pytest.raises(PermissionDeniedError):
        _record(g, case, [attachment], actor=g.portal_user)
    with pytest.raises(NotFoundError):
        _record(g, case, [attachment], actor=people.hetang_clerk)
    assert not RecoveredLoss.objects.exists()
    loss = _record(g, case, [attachment])
    assert loss.amount == Decimal("1200000.00") and list(loss.evidence.all()) == [attachment]
    assert loss.workstation == g.station
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="lawguard.recoveredloss").count() == 1


def test_evidence_must_be_of_that_case_and_the_case_linked(lawguard_scene, dispute, people, zhuzhou, category):
    from conftest import register_dispute

    g = lawguard_scene
    case, attachment = linked_dispute(g, dispute, people)
    unlinked = register_dispute(zhuzhou, people, category)
    with pytest.raises(ApplicationError, match="该案件与该企业无关联"):
        _record(g, unlinked, [attachment])
    _other_case, foreign = linked_dispute(g, register_dispute(zhuzhou, people, category), people)
    with pytest.raises(ApplicationError, match="证明材料须为该案件的附件"):
        _record(g, case, [foreign])


def test_correction_and_void_keep_the_reason(lawguard_scene, dispute, people):
    g = lawguard_scene
    case, attachment = linked_dispute(g, dispute, people)
    loss = _record(g, case, [attachment])
    with pytest.raises(ApplicationError, match="请填写更正理由"):
        svc.recovered_loss_correct(actor=g.staff, loss=loss, reason="", amount="100")
    loss = svc.recovered_loss_correct(actor=g.staff, loss=loss, reason="金额录入错误", amount="1100000")
    assert loss.amount == Decimal("1100000.00")
    assert loss.history.first().history_change_reason == "金额录入错误"
    svc.recovered_loss_void(actor=g.staff, loss=loss, reason="重复登记")
    assert not RecoveredLoss.objects.exists()
    deleted = RecoveredLoss.history.filter(history_type="-").get()
    assert deleted.history_change_reason == "重复登记"
    assert AuditLog.objects.filter(action=AuditAction.DELETE, reason="重复登记").exists()


def test_totals_by_method_workstation_and_year(lawguard_scene, dispute, people, django_assert_num_queries):
    g = lawguard_scene
    case, attachment = linked_dispute(g, dispute, people)
    _record(g, case, [attachment], amount="100.50")
    _record(g, case, [attachment], amount="200", method=RecoveryMethod.JUDGMENT)
    _record(g, case, [attachment], amount="300", recovered_on=datetime.date(2022, 5, 1))
    with django_assert_num_queries(5):  # four aggregates of the losses, one of the ratings
        totals = sel.loss_totals(sel.losses_for(g.staff), sel.ratings_for(g.staff))
    assert (totals["total"], totals["count"]) == (Decimal("600.50"), 3)
    assert {r["method"]: r["total"] for r in totals["by_method"]} == {
        "judgment": Decimal("200.00"),
        "mediation": Decimal("400.50"),
    }
    assert totals["by_workstation"] == [{"workstation": "嵩山路法治护航工作站", "total": Decimal("600.50"), "count": 3}]
    assert [(r["year"], r["total"]) for r in totals["by_year"]] == [
        (2022, Decimal("300.00")),
        (2026, Decimal("300.50")),
    ]
    assert sel.loss_totals(sel.losses_for(people.hetang_clerk))["count"] == 0


def test_ratings_once_per_finished_linked_case(lawguard_scene, dispute, people):
    g = lawguard_scene
    case, _attachment = linked_dispute(g, dispute, people, with_file=False)
    with pytest.raises(ConflictError, match="服务尚未办结"):
        svc.service_rate(actor=g.portal_user, enterprise=g.enterprise, case=case, score=5)
    from conftest import mediate_to_agreement

    case = mediate_to_agreement(case, people)
    assert list(sel.ratable_cases(g.enterprise)) == [case]
    with pytest.raises(ApplicationError, match="评分须为 1–5 分"):
        svc.service_rate(actor=g.portal_user, enterprise=g.enterprise, case=case, score=6)
    with pytest.raises(NotFoundError):
        svc.service_rate(actor=g.other_user, enterprise=g.other, case=case, score=5)
    rating = svc.service_rate(actor=g.portal_user, enterprise=g.enterprise, case=case, score=4, comment="及时")
    assert (rating.score, rating.rated_by) == (4, g.portal_user)
    with pytest.raises(ConflictError, match="只能评价一次"):
        svc.service_rate(actor=g.portal_user, enterprise=g.enterprise, case=case, score=5)
    assert ServiceRating.objects.count() == 1 and not sel.ratable_cases(g.enterprise).exists()
    assert sel.loss_totals(sel.losses_for(g.staff), sel.ratings_for(g.staff))["ratings"] == {"count": 1, "average": 4.0}
