"""Build `daily_report.docx`, the Word template of the 安保工作日报, with python-docx.

Run from the repository root after changing the layout, and commit the result:

    .venv/bin/python pingan/majorevents/templates_docx/build_report_template.py

The template holds docxtpl (Jinja) tags, each alone in a run; pingan.majorevents.documents fills them.
`{%p %}` tags repeat whole paragraphs (one per line of a part of the report). The layout follows the usual
简报 form: the issue number, the issuing unit and date under the title, then the parts of the report.
The paragraph helpers are the dispute agreement's (pingan/disputes/templates_docx).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUTPUT = Path(__file__).with_name("daily_report.docx")
_helpers_path = Path(__file__).parents[2] / "disputes" / "templates_docx" / "build_agreement_template.py"
_spec = importlib.util.spec_from_file_location("build_agreement_template", _helpers_path)
assert _spec is not None and _spec.loader is not None
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)

PARTS = [
    ("一、总体情况", "overview"),
    ("二、任务落实", "tasks"),
    ("三、排查发现", "sweeps"),
    ("四、案事件情况", "cases"),
    ("五、场馆周边风险", "risks"),
    ("六、下步工作", "next_steps"),
]


def build():
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    normal = document.styles["Normal"]
    normal.font.name = helpers.FONT_LATIN
    normal.font.size = helpers.BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), helpers.FONT)

    helpers.para(
        document, "{{ event }}安保工作日报", size=Pt(20), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(4)
    )
    helpers.para(document, "第{{ number }}期", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(4))
    helpers.para(document, "{{ unit }}        {{ date }}", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(12))
    for title, name in PARTS:
        helpers.heading(document, title)
        helpers.each(document, f"line in {name}", "{{ line }}")
    helpers.para(document, "{{ status }}", align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=Pt(4))
    properties = document.core_properties
    properties.title = "安保工作日报"
    properties.author = "平安 Ping'an"
    properties.comments = "docxtpl template; built by build_report_template.py"
    return document


if __name__ == "__main__":
    build().save(str(OUTPUT))
    print(f"wrote {OUTPUT}")
