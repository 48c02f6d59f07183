"""The case engine's rules: routing, moving a case between organisations, clocks, supervision,
extensions, attachments and personal data."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from conftest import GOOD_ID
from pingan.accounts.choices import Role
from pingan.cases.choices import Channel, EventType, Light
from pingan.cases.models import Case, CaseEvent, Notification, Party, RoutingRule, SlaPolicy
from pingan.cases.services import attachment_add, case_register, case_transition, nearest_centre, parties_unmask
from pingan.cases.tasks import sla_sweep
from pingan.core.errors import ApplicationError, PermissionDeniedError, TransitionNotAllowed
from pingan.core.models import AuditAction, AuditLog
from pingan.disputes.choices import DisputeState

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def register(people, zhuzhou, category, **overrides):
    values = dict(
        actor=people.clerk,
        kind="dispute",
        category=category,
        title="邻里噪音",
        description="深夜噪音扰民",
        channel=Channel.PHONE,
        region=zhuzhou.taishan,
        parties=[{"name": "王五", "role": "applicant"}],
    )
    values.update(overrides)
    return case_register(**values)


class TestRouting:
    def test_falls_back_to_the_centre_of_the_smallest_region(self, people, zhuzhou, category):
        assert register(people, zhuzhou, category).assigned_org == zhuzhou.taishan_centre

    def test_rule_for_the_category_wins(self, people, zhuzhou, category):
        RoutingRule.objects.create(
            kind="dispute", category=category, region=zhuzhou.songshan, organization=zhuzhou.songshan_mediation
        )
        RoutingRule.objects.create(kind="dispute", region=zhuzhou.tianyuan, organization=zhuzhou.tianyuan_centre)
        assert register(people, zhuzhou, category).assigned_org == zhuzhou.songshan_mediation

    def test_deeper_rule_wins_over_wider(self, people, zhuzhou, category):
        RoutingRule.objects.create(kind="dispute", region=zhuzhou.tianyuan, organization=zhuzhou.tianyuan_centre)
        RoutingRule.objects.create(kind="", region=zhuzhou.songshan, organization=zhuzhou.songshan_justice)
        assert register(people, zhuzhou, category).assigned_org == zhuzhou.songshan_justice

    def test_walk_in_stays_with_the_centre_whose_counter_took_it(self, people, zhuzhou, category):
        """首接负责: the township counter keeps a visitor's case and may dispatch it down itself."""
        case = register(people, zhuzhou, category, channel=Channel.VISIT)
        assert case.assigned_org == zhuzhou.songshan_centre
        assert case.events.get(type=EventType.ROUTED).params["basis"] == "first_contact"

    def test_a_rule_still_wins_over_first_contact(self, people, zhuzhou, category):
        RoutingRule.objects.create(
            kind="dispute", category=category, region=zhuzhou.taishan, organization=zhuzhou.songshan_mediation
        )
        assert register(people, zhuzhou, category, channel=Channel.VISIT).assigned_org == zhuzhou.songshan_mediation

    def test_nearest_centre_above_a_level(self, zhuzhou):
        assert nearest_centre(zhuzhou.taishan, above_level=zhuzhou.taishan.level) == zhuzhou.songshan_centre


class TestIntake:
    def test_number_is_readable_and_sequential(self, people, zhuzhou, category):
        first, second = register(people, zhuzhou, category), register(people, zhuzhou, category)
        today = timezone.localdate().strftime("%Y%m%d")
        assert first.number == f"MJ{today}-0001" and second.number == f"MJ{today}-0002"

    def test_bad_id_number_is_refused_and_nothing_is_written(self, people, zhuzhou, category):
        with pytest.raises(ApplicationError) as refused:
            register(
                people,
                zhuzhou,
                category,
                parties=[{"name": "王五", "role": "applicant", "id_number": "430211198503150011"}],
            )
        assert "parties[0].id_number" in refused.value.fields
        assert not Case.objects.exists() and not Party.objects.exists()

    def test_region_outside_jurisdiction_is_refused(self, people, zhuzhou, category):
        with pytest.raises(ApplicationError) as refused:
            register(people, zhuzhou, category, region=zhuzhou.yuetang)
        assert "region" in refused.value.fields

    def test_dispute_needs_a_party(self, people, zhuzhou, category):
        with pytest.raises(ApplicationError):
            register(people, zhuzhou, category, parties=[])

    def test_leader_cannot_register(self, people, zhuzhou, category):
        with pytest.raises(PermissionDeniedError):
            register(people, zhuzhou, category, actor=people.leader)

    def test_forbidden_attachment_writes_nothing(self, people, zhuzhou, category):
        exe = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
        with pytest.raises(ApplicationError):
            register(people, zhuzhou, category, attachments=[exe])
        assert not Case.objects.exists()

    def test_notification_reaches_the_assigned_centre(
        self, people, zhuzhou, category, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            case = register(people, zhuzhou, category, region=zhuzhou.songshan)
        assert Notification.objects.filter(case=case, user=people.clerk).exists()
        assert not Notification.objects.filter(case=case, user=people.hetang_clerk).exists()


class TestMovingCases:
    def test_dispatch_down_to_a_department(self, dispute, people, zhuzhou):
        case = case_transition(
            case=dispute, actor=people.clerk, action="dispatch", data={"to_org": zhuzhou.songshan_justice.code}
        )
        assert case.assigned_org == zhuzhou.songshan_justice and case.status == DisputeState.REGISTERED
        event = case.events.get(type=EventType.DISPATCHED)
        assert event.params["from_org"] == zhuzhou.songshan_centre.code

    def test_dispatch_outside_jurisdiction_is_refused(self, dispute, people, zhuzhou):
        with pytest.raises(ApplicationError) as refused:
            case_transition(
                case=dispute, actor=people.clerk, action="dispatch", data={"to_org": zhuzhou.yuetang_centre.code}
            )
        assert refused.value.fields == {"to_org": [refused.value.message]}

    def test_department_returns_to_the_sender(self, dispute, people, zhuzhou):
        case = case_transition(
            case=dispute, actor=people.clerk, action="dispatch", data={"to_org": zhuzhou.songshan_justice.code}
        )
        case = case_transition(case=case, actor=people.justice, action="return", data={"comment": "不属本所职责"})
        assert case.assigned_org == zhuzhou.songshan_centre

    def test_nothing_to_return_to(self, dispute, people):
        with pytest.raises(TransitionNotAllowed):
            case_transition(case=dispute, actor=people.clerk, action="return", data={"comment": "x"})

    def test_escalate_goes_to_the_district_centre(self, dispute, people, zhuzhou):
        case = case_transition(case=dispute, actor=people.clerk, action="escalate", data={"comment": "涉及多方"})
        assert case.assigned_org == zhuzhou.tianyuan_centre

    def test_transfer_sideways(self, dispute, people, zhuzhou):
        case = case_transition(
            case=dispute,
            actor=people.clerk,
            action="transfer",
            data={"to_org": zhuzhou.songshan_mediation.code, "comment": "由调委会受理"},
        )
        assert case.assigned_org == zhuzhou.songshan_mediation

    def test_township_centre_oversees_its_departments(self, dispute, people, zhuzhou):
        case = case_transition(
            case=dispute, actor=people.clerk, action="dispatch", data={"to_org": zhuzhou.songshan_justice.code}
        )
        case = case_transition(case=case, actor=people.head, action="supervise", data={"comment": "请尽快受理"})
        assert case.supervision_count == 1

    def test_centre_cannot_supervise_its_own_case(self, dispute, people):
        with pytest.raises(TransitionNotAllowed):
            case_transition(case=dispute, actor=people.clerk, action="supervise", data={"comment": "x"})

    def test_city_leader_supervises(self, dispute, people):
        case = case_transition(case=dispute, actor=people.leader, action="supervise", data={"comment": "市领导督办"})
        assert case.events.filter(type=EventType.SUPERVISED).count() == 1


class TestClocks:
    def test_sla_policy_overrides_the_default(self, people, zhuzhou, category):
        SlaPolicy.objects.create(kind="dispute", category=category, amount=3, unit="working_days")
        assert register(people, zhuzhou, category).sla_amount == 3

    def test_default_clock_by_urgency(self, people, zhuzhou, category):
        case = register(people, zhuzhou, category, urgency="critical")
        assert (case.sla_amount, case.sla_unit) == (24, "working_hours")

    def test_lights(self, dispute):
        assert dispute.light() == Light.GREEN
        assert dispute.light(now=dispute.warn_at + datetime.timedelta(seconds=1)) == Light.YELLOW
        assert dispute.light(now=dispute.deadline + datetime.timedelta(seconds=1)) == Light.RED
        assert Case.objects.with_light(Light.RED, now=dispute.deadline + datetime.timedelta(hours=1)).count() == 1

    def test_approved_extension_moves_the_deadline(self, dispute, people):
        case = case_transition(case=dispute, actor=people.clerk, action="accept")
        before = case.deadline
        case = case_transition(
            case=case, actor=people.clerk, action="request_extension", data={"amount": 5, "comment": "当事人外出务工"}
        )
        with pytest.raises(TransitionNotAllowed):  # one pending request at a time
            case_transition(
                case=case, actor=people.clerk, action="request_extension", data={"amount": 5, "comment": "再延"}
            )
        case = case_transition(case=case, actor=people.head, action="approve_extension", data={"approve": "true"})
        assert case.extension_amount == 5 and case.deadline > before

    def test_rejected_extension_keeps_the_deadline(self, dispute, people):
        case = case_transition(case=dispute, actor=people.clerk, action="accept")
        case = case_transition(
            case=case, actor=people.clerk, action="request_extension", data={"amount": 5, "comment": "x"}
        )
        case = case_transition(case=case, actor=people.head, action="approve_extension", data={"approve": False})
        assert case.extension_amount == 0

    def test_clerk_cannot_approve_extensions(self, dispute, people):
        case = case_transition(case=dispute, actor=people.clerk, action="accept")
        case = case_transition(
            case=case, actor=people.clerk, action="request_extension", data={"amount": 5, "comment": "x"}
        )
        with pytest.raises(TransitionNotAllowed):
            case_transition(case=case, actor=people.clerk, action="approve_extension", data={"approve": True})

    def test_late_close_is_frozen_as_late(self, dispute, people):
        from conftest import mediate_to_agreement

        case = mediate_to_agreement(dispute, people)
        case = case_transition(case=case, actor=people.head, action="verify", data={"passed": True})
        with time_machine.travel(case.deadline + datetime.timedelta(days=1), tick=False):
            case = case_transition(case=case, actor=people.head, action="close")
        assert case.on_time is False
        assert case.clocks.get().on_time is False  # the primary clock's verdict, copied onto the case
        Case.objects.filter(pk=case.pk).update(deadline=timezone.now() + datetime.timedelta(days=9))
        case.refresh_from_db()
        assert case.on_time is False

    def test_sweep_marks_overdue_once(self, dispute):
        with time_machine.travel(dispute.deadline + datetime.timedelta(hours=1), tick=False):
            assert sla_sweep.call() == {"warning": 0, "breach": 1, "escalation": 0}
            assert sla_sweep.call() == {"warning": 0, "breach": 0, "escalation": 0}
        assert CaseEvent.objects.filter(case=dispute, type=EventType.OVERDUE).count() == 1


class TestPersonalData:
    def test_parties_are_stored_whole_and_shown_masked(self, dispute):
        party = dispute.parties.get(name="张三")
        assert party.id_number == GOOD_ID
        assert party.masked == {"name": "张*", "id_number": "430211********0016", "phone": "138****8000"}

    def test_unmask_needs_a_reason_and_is_logged(self, dispute, people):
        with pytest.raises(ApplicationError):
            parties_unmask(case=dispute, actor=people.clerk, reason="")
        parties = parties_unmask(case=dispute, actor=people.clerk, reason="电话回访核实身份")
        assert parties[0].id_number == GOOD_ID
        log = AuditLog.objects.get(action=AuditAction.UNMASK)
        assert log.actor == people.clerk and log.reason == "电话回访核实身份"

    def test_leader_cannot_unmask(self, dispute, people):
        with pytest.raises(PermissionDeniedError):
            parties_unmask(case=dispute, actor=people.leader, reason="查看完整信息")


class TestAttachments:
    def test_png_is_kept_with_its_hash(self, dispute, people):
        attachment = attachment_add(
            case=dispute, actor=people.clerk, upload=SimpleUploadedFile("现场.png", PNG, content_type="image/png")
        )
        assert attachment.size == len(PNG) and len(attachment.sha256) == 64
        assert dispute.events.filter(type=EventType.ATTACHMENT_ADDED).exists()

    @pytest.mark.parametrize("name,content", [("photo.png", b"not an image at all"), ("a.exe", b"MZ")])
    def test_wrong_content_or_type_is_refused(self, dispute, people, name, content):
        with pytest.raises(ApplicationError):
            attachment_add(case=dispute, actor=people.clerk, upload=SimpleUploadedFile(name, content))

    def test_oversize_is_refused(self, dispute, people, settings):
        settings.PINGAN_ATTACHMENT_MAX_BYTES = 10
        with pytest.raises(ApplicationError) as refused:
            attachment_add(case=dispute, actor=people.clerk, upload=SimpleUploadedFile("a.png", PNG))
        assert refused.value.code == "file_too_large"

    def test_other_district_cannot_attach(self, dispute, people):
        with pytest.raises(PermissionDeniedError):
            attachment_add(case=dispute, actor=people.hetang_clerk, upload=SimpleUploadedFile("a.png", PNG))


def test_roles_are_per_organisation(dispute, people, zhuzhou):
    """A mediator of the township may not accept a case that sits with the community centre."""
    from pingan.accounts.models import Membership

    Membership.objects.create(user=people.mediator, organization=zhuzhou.taishan_centre, role=Role.GRID_WORKER)
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=dispute, actor=people.mediator, action="accept")


def test_files_of_rolled_back_registrations_are_collected(people, zhuzhou, category, settings):
    import os

    from django.core.files.storage import default_storage
    from django.core.management import call_command

    good = SimpleUploadedFile("现场.png", PNG)
    case = register(people, zhuzhou, category, attachments=[good])
    kept = case.attachments.get().file.name
    with pytest.raises(RuntimeError), transaction.atomic():  # an outer transaction fails after the file is saved
        register(people, zhuzhou, category, attachments=[SimpleUploadedFile("b.png", PNG + b"x")])
        raise RuntimeError
    assert len(_stored_files()) == 2
    for path in (default_storage.path(p) for p in _stored_files()):
        os.utime(path, (0, 0))  # pretend both files are old
    call_command("attachments_gc", verbosity=0)
    assert _stored_files() == [kept]


def _stored_files() -> list[str]:
    from django.core.files.storage import default_storage

    def walk(directory):
        folders, files = default_storage.listdir(directory)
        for name in files:
            yield f"{directory}/{name}"
        for folder in folders:
            yield from walk(f"{directory}/{folder}")

    return sorted(walk("attachments"))
