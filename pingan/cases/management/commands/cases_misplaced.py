from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from pingan.cases.selectors import cases_misplaced
from pingan.cases.services import case_misplaced_return
from pingan.regions.choices import OrgType


class Command(BaseCommand):
    help = (
        "List open cases held by an organisation whose type their workflow does not admit (e.g. incidents at a "
        "mediation committee); with --return, send each back to the organisation that sent it there, or to the "
        "centre of its region, by the workflow's return transition (timeline event and audit entry)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--return", action="store_true", dest="send_back", help="send the listed cases back")

    def handle(self, *args: Any, send_back: bool = False, **options: Any) -> None:
        cases = list(cases_misplaced())
        for case in cases:
            held = f"{case.number}\t{case.kind}\t{case.status}\t{case.assigned_org.code}\t{case.assigned_org.name}"
            line = f"{held}\t{OrgType(case.assigned_org.org_type).label}"
            if send_back:
                returned = case_misplaced_return(case=case, comment=_("承办单位类型不能办理本类案件,系统退回重新派遣"))
                line += f"\t→ {returned.assigned_org.code}\t{returned.assigned_org.name}"
            self.stdout.write(line)
        verb = "returned" if send_back else "found"
        self.stdout.write(f"{len(cases)} misplaced open case(s) {verb}")
