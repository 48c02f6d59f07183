"""The dispute loop, end to end through the services: the rules a mediator and a centre live by."""

from __future__ import annotations

import pytest

from conftest import mediate_to_agreement
from pingan.cases.choices import EventType, Outcome
from pingan.cases.services import case_transition
from pingan.core.errors import TransitionNotAllowed
from pingan.disputes.choices import DisputeState


def test_counter_dispute_is_routed_to_the_township_centre(dispute, zhuzhou):
    assert dispute.assigned_org == zhuzhou.songshan_centre
    assert dispute.status == DisputeState.REGISTERED
    assert dispute.number.startswith("MJ")
    assert [e.type for e in dispute.events.all()] == [EventType.REGISTERED, EventType.ROUTED]


def test_full_loop_to_a_rated_close(dispute, people):
    case = mediate_to_agreement(dispute, people)
    assert case.status == DisputeState.CONCLUDED and case.outcome == Outcome.SUCCESS
    case = case_transition(case=case, actor=people.head, action="verify", data={"passed": True})
    case = case_transition(case=case, actor=people.head, action="close")
    assert case.status == DisputeState.CLOSED and case.on_time is True
    case = case_transition(
        case=case, actor=people.clerk, action="rate", data={"satisfaction": "satisfied", "method": "phone"}
    )
    assert case.satisfaction == "satisfied"
    with pytest.raises(TransitionNotAllowed):
        case_transition(
            case=case, actor=people.clerk, action="rate", data={"satisfaction": "satisfied", "method": "phone"}
        )


def test_mediator_cannot_verify_own_mediation(dispute, people, zhuzhou):
    from pingan.accounts.choices import Role
    from pingan.accounts.models import Membership

    Membership.objects.create(user=people.mediator, organization=zhuzhou.songshan_centre, role=Role.CENTRE_STAFF)
    case = mediate_to_agreement(dispute, people)
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, actor=people.mediator, action="verify", data={"passed": True})


def test_failed_verification_sends_back_and_counts_rework(dispute, people):
    case = mediate_to_agreement(dispute, people)
    case = case_transition(
        case=case, actor=people.head, action="verify", data={"passed": False, "comment": "协议未写明履行期限"}
    )
    assert case.status == DisputeState.MEDIATING
    assert case.rework_count == 1 and case.outcome == ""


def test_illegal_transition_changes_nothing(dispute, people):
    before = dispute.events.count()
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=dispute, actor=people.clerk, action="close")
    dispute.refresh_from_db()
    assert dispute.status == DisputeState.REGISTERED and dispute.events.count() == before


def test_other_district_cannot_act(dispute, people):
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=dispute, actor=people.hetang_clerk, action="accept")


def test_conclude_success_requires_terms(dispute, people):
    case = case_transition(case=dispute, actor=people.clerk, action="accept")
    case = case_transition(
        case=case, actor=people.clerk, action="assign_mediator", data={"mediator": people.mediator.username}
    )
    with pytest.raises(TransitionNotAllowed):  # no session recorded yet
        case_transition(case=case, actor=people.mediator, action="conclude", data={"outcome": "success"})
