"""The demo's outcomes step (pingan.demo.lawguard_outcomes) on a small scene: the scene's enterprise with
2022 suggestions issued through lawguard.services.suggestion_issue, a 2022 legal-service case linked to it
(here a dispute registered in 2022, linked as a service) with a file, concluded so that it can be rated;
and a clerk at 泰山社区综治中心, where the portal's disputes are routed, who adds their evidence files."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone

from conftest import make_user, mediate_to_agreement
from pingan.accounts.choices import Role
from pingan.cases.choices import Channel
from pingan.cases.models import Case
from pingan.cases.services import attachment_add, case_register
from pingan.demo import lawguard_outcomes
from pingan.lawguard.choices import LinkRelation, Severity
from pingan.lawguard.choices import SuggestionStatus as S
from pingan.lawguard.models import RecoveredLoss, ServiceLink, ServiceRating, Suggestion
from pingan.lawguard.services import link_case, suggestion_issue

from .outcome_scene import PNG

pytestmark = pytest.mark.django_db


def _scene(g, zhuzhou, people, category):
    # The portal's disputes in 泰山社区 are routed to its centre: a clerk there uploads the evidence.
    make_user("taishan_clerk", "钟社区", (zhuzhou.taishan_centre, Role.CENTRE_STAFF))
    for n in range(40):
        issued = timezone.make_aware(datetime.datetime(2022, 1 + n % 12, 5, 10))
        suggestion_issue(
            actor=g.staff,
            enterprise=g.enterprise,
            title=f"风险防范建议{n}",
            content="建议完善合同审查流程。",
            severity=Severity.YELLOW,
            issued_at=issued,
            implement_by=(issued + datetime.timedelta(days=60)).date(),
            revisit_on=(issued + datetime.timedelta(days=90)).date(),
        )
    case = case_register(
        actor=people.clerk,
        kind="dispute",
        category=category,
        title="合同审查服务",
        description="为企业审查采购合同。",
        channel=Channel.VISIT,
        region=zhuzhou.songshan,
        parties=[
            {
                "name": g.enterprise.name,
                "role": "applicant",
                "party_type": "organization",
                "address": g.enterprise.address,
                "legal_representative": "李董事",
            }
        ],
        registered_at=timezone.make_aware(datetime.datetime(2022, 3, 1, 10)),
    )
    link_case(enterprise=g.enterprise, case=case, relation=LinkRelation.SERVICE)
    attachment_add(case=case, actor=people.clerk, upload=SimpleUploadedFile("a.png", PNG))
    return mediate_to_agreement(case, people)


def test_the_loader_moves_the_2022_outcomes(lawguard_scene, zhuzhou, people, category):
    g = lawguard_scene
    service = _scene(g, zhuzhou, people, category)
    counts = lawguard_outcomes.load(seed=42, today=timezone.localdate())
    statuses = dict.fromkeys(S.values, 0) | dict(
        Suggestion.objects.values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    assert statuses[S.VERIFIED] == counts["verified"] > 20
    assert counts["declined"] == statuses[S.DECLINED]
    assert Suggestion.objects.filter(status=S.DECLINED).exclude(decline_reason="").count() == counts["declined"]
    assert counts["disputes"] == 60
    assert ServiceLink.objects.filter(relation=LinkRelation.DISPUTE, case__registered_at__year=2022).count() == 60
    assert counts["losses"] == 61  # the 60 disputes and the service
    total = sum(loss.amount for loss in RecoveredLoss.objects.all())
    assert total == Decimal(counts["loss_total"]) == lawguard_outcomes.LOSS_TOTAL
    assert all(loss.evidence.exists() for loss in RecoveredLoss.objects.all())
    assert all(loss.recovered_on.year == 2022 for loss in RecoveredLoss.objects.all())
    assert ServiceRating.objects.filter(case=service).count() == 1
    assert counts["ratings"] == ServiceRating.objects.count()  # the service and the helped disputes closed in 2022
    closed = Case.objects.filter(enterprise_links__relation=LinkRelation.DISPUTE, closed_at__year=2022)
    assert counts["disputes_closed"] == closed.count()
    assert "挽回损失" in lawguard_outcomes.report(counts)


def test_the_loader_needs_nothing_it_cannot_find(lawguard_scene):
    assert lawguard_outcomes.load(seed=1, today=timezone.localdate())["losses"] == 0
