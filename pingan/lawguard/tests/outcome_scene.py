"""The outcomes tests' scene, on the root `lawguard_scene`: a dispute the enterprise is party to (the root
`dispute` fixture, linked to it), concluded when asked, with a file; and suggestions issued through
`lawguard.services.suggestion_issue`."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import mediate_to_agreement
from pingan.cases.services import attachment_add
from pingan.lawguard.choices import LinkRelation, Severity
from pingan.lawguard.services import link_case, suggestion_issue

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def issue(scene, enterprise=None, *, source_case=None, title="劳动合同管理风险", days=30, implement_days=20):
    today = timezone.localdate()
    return suggestion_issue(
        actor=scene.staff,
        enterprise=enterprise or scene.enterprise,
        title=title,
        content="建议规范劳动合同签订与续签,建立台账。",
        severity=Severity.ORANGE,
        revisit_on=today + datetime.timedelta(days=days),
        implement_by=today + datetime.timedelta(days=implement_days),
        source_case=source_case,
    )


def linked_dispute(scene, dispute, people, *, concluded=False, with_file=True):
    """The root `dispute`, linked to the scene's enterprise; with a file (uploaded by the centre's clerk,
    before conclusion) and concluded when asked."""
    link_case(enterprise=scene.enterprise, case=dispute, relation=LinkRelation.DISPUTE)
    attachment = None
    if with_file:
        attachment = attachment_add(case=dispute, actor=people.clerk, upload=SimpleUploadedFile("回款凭证.png", PNG))
    if concluded:
        dispute = mediate_to_agreement(dispute, people)
    return dispute, attachment
