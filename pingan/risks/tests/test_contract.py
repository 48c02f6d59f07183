"""The risks contract the other engineers of issue 10 code against: the kind, its states in order, the
reference data, `risk_raise` and `risks_for`."""

from __future__ import annotations

import pytest

from pingan.cases import workflows
from pingan.cases.choices import StateType
from pingan.cases.models import Category
from pingan.cases.services import case_transition
from pingan.core.errors import ApplicationError, TransitionNotAllowed
from pingan.risks.choices import KIND, RiskLevel, RiskSource, RiskStage, ScoreKind
from pingan.risks.models import LevelPolicy, Risk, RiskMatrix
from pingan.risks.selectors import risks_for


def test_the_kind_declares_the_five_stages_in_order_then_closed():
    workflow = workflows.get(KIND)
    assert [s.value for s in workflow.states] == [
        "foresight",
        "response",
        "disposal",
        "summary",
        "improvement",
        "closed",
    ]
    assert workflow.state("closed").type == StateType.CLOSED
    assert workflow.number_prefix == "FX"
    assert [RiskLevel.rank(level) for level in ("red", "orange", "yellow", "blue")] == [4, 3, 2, 1]


def test_reference_data_categories_matrix_and_policies(db):
    names = set(Category.objects.filter(kind=KIND).values_list("name", flat=True))
    assert {"政治安全", "社会治安", "矛盾纠纷", "公共安全", "网络安全", "经济金融"} <= names
    matrix = RiskMatrix.objects.get(is_active=True)
    matrix.full_clean()
    assert matrix.size == 5
    assert matrix.level_for(5, 5) == "red" and matrix.level_for(1, 1) == "blue"
    assert set(LevelPolicy.objects.values_list("level", flat=True)) == set(RiskLevel.values)


def test_risk_raise_registers_the_case_its_risk_and_first_score(raise_risk, people, zhuzhou):
    case = raise_risk(likelihood=5, impact=4)
    assert case.kind == KIND and case.status == RiskStage.FORESIGHT and case.number.startswith("FX")
    risk = case.risk
    assert (risk.likelihood, risk.impact, risk.level) == (5, 4, RiskLevel.RED)
    assert risk.owner_org == zhuzhou.taishan_centre  # the engine routed it to the nearest centre
    assert risk.next_review_at is not None and risk.rescore_prompted_at is None
    [score] = risk.scores.all()
    assert (score.kind, score.level, score.scored_by) == (ScoreKind.INHERENT, "red", people.clerk)


def test_risk_raise_with_a_source_case_links_both_ways(raise_risk, dispute):
    case = raise_risk(source=RiskSource.DISPUTE_ESCALATION, source_case=dispute)
    assert case.parent == dispute
    assert list(dispute.children.all()) == [case]


def test_bad_input_writes_nothing(raise_risk):
    with pytest.raises(ApplicationError) as exc:
        raise_risk(likelihood=6)
    assert "likelihood" in exc.value.fields
    with pytest.raises(ApplicationError):
        raise_risk(source="rumour")
    assert not Risk.objects.exists()


def test_risks_for_is_the_users_jurisdiction(raise_risk, people):
    case = raise_risk()
    assert list(risks_for(people.clerk)) == [case]
    assert list(risks_for(people.hetang_clerk)) == []


def test_a_stage_cannot_be_skipped(raise_risk, people):
    case = raise_risk()
    with pytest.raises(TransitionNotAllowed) as exc:
        case_transition(case=case, actor=people.clerk, action="start_summary")
    assert "不能执行" in exc.value.message
    case = case_transition(case=case, actor=people.clerk, action="start_response")
    assert case.status == RiskStage.RESPONSE
