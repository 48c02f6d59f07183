"""Build `checkup_report.docx`, the Word template of the 法律风险评估报告 (法治体检), with python-docx.

Run from the repository root after changing the layout, and commit the result:

    .venv/bin/python pingan/lawchecks/templates_docx/build_report_template.py

The template holds docxtpl (Jinja) tags, each alone in a run; pingan.lawchecks.documents fills them. The
layout: a cover (enterprise, date, workstation, experts), the summary of risks by colour, each finding with
its legal basis and suggestion, the signature block. The paragraph helpers are the dispute agreement's.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUTPUT = Path(__file__).with_name("checkup_report.docx")
_helpers_path = Path(__file__).parents[2] / "disputes" / "templates_docx" / "build_agreement_template.py"
_spec = importlib.util.spec_from_file_location("build_agreement_template", _helpers_path)
assert _spec is not None and _spec.loader is not None
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)


def build() -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    normal = document.styles["Normal"]
    normal.font.name = helpers.FONT_LATIN
    normal.font.size = helpers.BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), helpers.FONT)

    # Cover.
    helpers.para(document, "{{ status }}", align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=Pt(60))
    helpers.para(
        document, "法律风险评估报告", size=Pt(26), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(8)
    )
    helpers.para(document, "(法治体检)", size=Pt(16), align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(60))
    for label, tag in (
        ("报告编号", "number"),
        ("受检企业", "enterprise"),
        ("统一社会信用代码", "credit_code"),
        ("体检日期", "date"),
        ("服务工作站", "workstation"),
        ("会诊专家", "experts"),
    ):
        helpers.para(document, f"{label}:{{{{ {tag} }}}}", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(6))
    breaker = helpers.para(document, "")
    breaker.add_run().add_break(WD_BREAK.PAGE)

    helpers.heading(document, "一、风险汇总")
    table = document.add_table(rows=4, cols=2)
    table.style = "Table Grid"
    for row, (label, tag) in enumerate(
        (("风险等级", ""), ("红色(重大风险)", "red"), ("橙色(较大风险)", "orange"), ("黄色(一般风险)", "yellow"))
    ):
        table.cell(row, 0).text = label
        table.cell(row, 1).text = "项数" if not tag else f"{{{{ {tag} }}}}"
    helpers.para(document, "共检查 {{ checked }} 项,符合 {{ passed }} 项,不符合 {{ failed }} 项,不适用 {{ na }} 项。")

    helpers.heading(document, "二、发现问题及整改建议")
    helpers.tag(document, "{%p for f in findings %}")
    helpers.para(document, "{{ f.no }}. 【{{ f.severity }}】{{ f.area }}:{{ f.title }}", bold=True, space_after=Pt(2))
    helpers.para(document, "问题描述:{{ f.description }}", indent=True, space_after=Pt(2))
    helpers.para(document, "法律依据:{{ f.legal_basis }}", indent=True, space_after=Pt(2))
    helpers.para(document, "整改建议:{{ f.suggestion }}", indent=True, space_after=Pt(2))
    helpers.para(document, "整改期限:{{ f.implement_by }}", indent=True)
    helpers.tag(document, "{%p endfor %}")

    helpers.heading(document, "三、签署")
    helpers.para(document, "起草人:{{ drafted_by }}", space_after=Pt(4))
    helpers.para(document, "审核人:{{ reviewed_by }}", space_after=Pt(4))
    helpers.para(document, "出具单位:{{ workstation }}(盖章)", align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=Pt(4))
    helpers.para(document, "{{ issued_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    properties = document.core_properties
    properties.title = "法律风险评估报告"
    properties.author = "平安 Ping'an"
    properties.comments = "docxtpl template; built by build_report_template.py"
    return document


if __name__ == "__main__":
    build().save(str(OUTPUT))
    print(f"wrote {OUTPUT}")
