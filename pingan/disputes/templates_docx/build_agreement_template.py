"""Build `agreement.docx`, the Word template of the 人民调解协议书, with python-docx.

Run from the repository root after changing the layout, and commit the result:

    .venv/bin/python pingan/disputes/templates_docx/build_agreement_template.py

The template holds docxtpl (Jinja) tags; pingan.disputes.documents fills them. Each tag sits alone in a
run, as docxtpl requires: `{%p %}` tags repeat whole paragraphs (one per party, fact, term…). The layout
follows the 人民调解协议书 form of the Ministry of Justice (司法部 人民调解文书格式) and the contents
required by 人民调解法 第二十九条. A designer may restyle the file in Word, keeping the tags intact.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

OUTPUT = Path(__file__).with_name("agreement.docx")
FONT = "宋体"
FONT_LATIN = "SimSun"
BODY_SIZE = Pt(12)


def set_font(run: Run, size: Length = BODY_SIZE, bold: bool = False) -> None:
    """宋体 for Chinese (w:eastAsia), SimSun for Latin text, so Word never falls back to a Latin font."""
    run.font.name = FONT_LATIN
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)
    fonts.set(qn("w:ascii"), FONT_LATIN)
    fonts.set(qn("w:hAnsi"), FONT_LATIN)


def para(
    container: DocxDocument,
    text: str = "",
    *,
    size: Length = BODY_SIZE,
    bold: bool = False,
    align: WD_PARAGRAPH_ALIGNMENT | None = None,
    indent: bool = False,
    space_after: Length = Pt(4),
) -> Paragraph:
    paragraph = container.add_paragraph()
    if text:
        set_font(paragraph.add_run(text), size=size, bold=bold)
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters
    paragraph.paragraph_format.space_after = space_after
    paragraph.paragraph_format.line_spacing = 1.3
    return paragraph


def heading(document: DocxDocument, text: str) -> Paragraph:
    return para(document, text, bold=True, space_after=Pt(2))


def tag(container: DocxDocument, text: str) -> Paragraph:
    """A paragraph holding only a {%p %} tag: docxtpl removes it when rendering."""
    return para(container, text, space_after=Pt(0))


def each(document: DocxDocument, loop: str, text: str) -> None:
    """An indented paragraph repeated for each item: `loop` is the Jinja loop, e.g. "line in facts"."""
    tag(document, "{%p for " + loop + " %}")
    para(document, text, indent=True)
    tag(document, "{%p endfor %}")


def build() -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)

    normal = document.styles["Normal"]
    normal.font.name = FONT_LATIN
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    para(document, "{{ committee }}", size=Pt(16), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(0))
    para(document, "人民调解协议书", size=Pt(22), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(6))
    para(document, "编号:{{ agreement_number }}", align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=Pt(8))

    # 人民调解法 第二十九条(一): each party's basic details, one paragraph each.
    heading(document, "当事人基本情况")
    each(document, "p in parties", "{{ p.role }}:{{ p.basics }}")

    # (二): the main facts, the disputed matters and each party's responsibility.
    heading(document, "纠纷主要事实")
    each(document, "line in facts", "{{ line }}")

    heading(document, "争议事项")
    para(document, "本纠纷为{{ kind }}。争议事项:", indent=True)
    each(document, "line in disputed_matters", "{{ line }}")

    heading(document, "各方当事人的责任")
    each(document, "p in parties", "{{ p.role }}{{ p.name }}:{{ p.responsibility }}")

    # (三): the terms, and the method and term of performance.
    heading(document, "经调解,各方当事人自愿达成如下协议")
    each(document, "line in terms", "{{ line }}")

    heading(document, "履行方式和期限")
    each(document, "line in performance", "{{ line }}")

    # The effect clause and the copies, in the words of article 29 and article 31.
    para(
        document,
        "本协议自各方当事人签名、盖章或者按指印,人民调解员签名并加盖人民调解委员会印章之日起生效。"
        "经人民调解委员会调解达成的调解协议,具有法律约束力,当事人应当按照约定履行。",
        indent=True,
    )
    para(
        document,
        "依照《中华人民共和国人民调解法》第三十三条,双方当事人认为有必要的,可以自本调解协议生效之日起"
        "三十日内共同向人民法院申请司法确认。",
        indent=True,
    )
    para(document, "本协议一式{{ copies }}份,当事人各执一份,人民调解委员会留存一份。", indent=True, space_after=Pt(14))

    tag(document, "{%p for p in parties %}")
    para(
        document,
        "{{ p.role }}:{{ p.name }}(签名、盖章或按指印):____________    日期:______年____月____日",
        space_after=Pt(12),
    )
    tag(document, "{%p endfor %}")
    para(document, "人民调解员(签名):____________({{ mediator }})", space_after=Pt(18))

    para(document, "{{ committee }}(印章)", align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=Pt(4))
    para(document, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)

    properties = document.core_properties
    properties.title = "人民调解协议书"
    properties.author = "平安 Ping'an"
    properties.comments = "docxtpl template; built by build_agreement_template.py"
    return document


if __name__ == "__main__":
    build().save(str(OUTPUT))
    print(f"wrote {OUTPUT}")
