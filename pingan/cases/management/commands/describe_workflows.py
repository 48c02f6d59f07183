"""Print every registered case kind's workflow as Markdown, straight from its declaration."""

from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand

from pingan.accounts.choices import Role
from pingan.cases import clocks, workflows
from pingan.cases.choices import ClockUnit, StateType, Urgency
from pingan.regions.choices import OrgType


def _roles(values: Iterable[str]) -> str:
    return "、".join(str(Role(v).label) for v in sorted(values)) or "—"


class Command(BaseCommand):
    help = "Describe the registered workflows (states, organisation types, transitions, rights, clocks) as Markdown."

    def handle(self, *args: Any, **options: Any) -> None:
        out = []
        for wf in workflows.kinds():
            out.append(f"## {wf.label} (`{wf.kind}`, 编号前缀 {wf.number_prefix})\n")
            org_types = "、".join(str(label) for value, label in OrgType.choices if wf.allows(value))
            out.append(f"承办单位类型(派遣、转办、上报、分流只能到这些单位):{org_types}\n")
            out.append("| 状态 | 代码 | 类别 |\n| --- | --- | --- |")
            out += [f"| {s.label} | `{s.value}` | {StateType(s.type).label} |" for s in wf.states]
            out.append("\n| 默认时限 | |\n| --- | --- |")
            out += [f"| {Urgency(u).label} | {a} {ClockUnit(unit).label} |" for u, (a, unit) in wf.clocks.items()]
            out.append("\n| 时限 | 代码 | 规则 | 起算 | 停止 | 挂起时暂停 | 超期升级 |")
            out.append("| --- | --- | --- | --- | --- | --- | --- |")
            for spec in wf.clock_plan():
                stops = "、".join([str(trigger.describe(wf)) for trigger in spec.stops] + ["结案时"])
                escalation = (
                    f"超期后 {spec.escalate_after[0]} {ClockUnit(spec.escalate_after[1]).label}"
                    if spec.escalate_after
                    else "—"
                )
                out.append(
                    f"| {spec.label}{'(主时限)' if spec.primary else ''} | `{spec.name}` | {spec.rule()} | "
                    f"{spec.starts.describe(wf)} | {stops} | {'是' if spec.pausable else '否'} | {escalation} |"
                )
            out.append("\n| 操作 | 代码 | 从 | 到 | 承办单位角色 | 上级中心角色 | 承办人 | 回避 | 条件 |")
            out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
            for t in wf.transitions:
                sources = "、".join(str(s.label) for s in wf.states if s.value in t.sources)
                target = wf.state_label(t.target) if t.target else "(不变)"
                if t.handler is clocks.handle_resume:
                    target = "(挂起前的状态)"
                out.append(
                    f"| {t.label} | `{t.action}` | {sources} | {target} | {_roles(t.roles)} | "
                    f"{_roles(t.superior_roles)} | {'是' if t.assignee else ''} | {', '.join(t.forbid)} | "
                    f"{t.condition_message or ''} |"
                )
            out.append("")
        self.stdout.write("\n".join(out))
