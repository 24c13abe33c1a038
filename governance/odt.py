"""Text documents in OpenDocument format (.odt, ODF 1.2; CNS 15251 is ODF), written with odfpy:
the 公文 papers the office edits further before they go into the 公文 system (開會通知單, 會議紀錄,
函稿, 創意提案單, 缺失改善辦理情形表).

A document is built block by block, in reading order, by the app that owns its data:

    doc = OdtDocument(title="開會通知單")
    doc.title("開會通知單")
    doc.field("受文者", "如出席者")
    doc.numbered("說明", ["依據…", "檢附…"])
    doc.table(["單位", "姓名"], rows, widths=[1, 2])
    doc.signatures(["承辦人", "單位主管"])
    content = doc.content()

The page is A4 with the margins of the 文書處理手冊 (2.5 cm top and bottom, 2 cm at the sides,
or landscape for wide tables). Text is set in 標楷體 (DFKai-SB), the face the 公文 system prints
in: on the agency's Windows machines it is there; elsewhere LibreOffice falls back to a CJK face
of the system (Noto CJK on Debian). Text is stored as typed: line breaks become text:line-break,
runs of spaces text:s (odf.teletype), characters XML cannot hold are dropped.
"""

import io

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .ods import _XML_ILLEGAL
from .text import strip_bidi

MIMETYPE = "application/vnd.oasis.opendocument.text"
FONT = "標楷體"
FONT_FAMILY = "DFKai-SB"  # 標楷體's family name on Windows
_ALIGN = {"start": "start", "center": "center", "end": "end", "justify": "justify"}
# Chinese ordinals for the items of a 說明 (一、二、…), as the 文書處理手冊 numbers them.
_ORDINALS = "一二三四五六七八九十"


def chinese_ordinal(number: int) -> str:
    """一 … 十, 十一 … 九十九: the numbers of a 公文's items."""
    if number < 1 or number > 99:
        return str(number)
    tens, ones = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _ORDINALS[tens - 1]) + "十"
    if ones:
        text += _ORDINALS[ones - 1]
    return text


def _clean(text) -> str:
    # Bidi controls too, as in PDFs (governance.pdf): stored text printed back to front.
    return strip_bidi(_XML_ILLEGAL.sub("", "" if text is None else str(text)))


class OdtDocument:
    """An ODT built in reading order; content() gives the file's bytes."""

    def __init__(self, title: str, *, landscape: bool = False):
        from odf.opendocument import OpenDocumentText

        self.doc = OpenDocumentText()
        self.landscape = landscape
        self._tables = 0
        self._set_metadata(title)
        self._page_layout()
        self._styles()

    # ------------------------------------------------------------ set-up

    def _set_metadata(self, title):
        from odf.dc import Language, Title
        from odf.meta import InitialCreator

        self.doc.meta.addElement(Title(text=_clean(title)))
        self.doc.meta.addElement(InitialCreator(text=_clean(settings.AGENCY_NAME)))
        self.doc.meta.addElement(Language(text="zh-TW"))

    def _page_layout(self):
        from odf.style import MasterPage, PageLayout, PageLayoutProperties

        width, height = ("29.7cm", "21cm") if self.landscape else ("21cm", "29.7cm")
        layout = PageLayout(name="A4")
        layout.addElement(
            PageLayoutProperties(
                pagewidth=width,
                pageheight=height,
                printorientation="landscape" if self.landscape else "portrait",
                margintop="2.5cm",
                marginbottom="2.5cm",
                marginleft="2cm",
                marginright="2cm",
            )
        )
        self.doc.automaticstyles.addElement(layout)
        self.doc.masterstyles.addElement(MasterPage(name="Standard", pagelayoutname=layout))
        self.text_width_cm = (29.7 if self.landscape else 21) - 4

    def _styles(self):
        from odf.style import (
            FontFace,
            ParagraphProperties,
            Style,
            TableCellProperties,
            TextProperties,
        )

        self.doc.fontfacedecls.addElement(
            FontFace(name=FONT, fontfamily=FONT_FAMILY, fontfamilygeneric="script", fontpitch="variable")
        )
        default = Style(name="Standard", family="paragraph")
        default.addElement(ParagraphProperties(margintop="0cm", marginbottom="0.1cm"))
        default.addElement(
            TextProperties(
                fontname=FONT,
                fontnameasian=FONT,
                fontnamecomplex=FONT,
                fontsize="12pt",
                fontsizeasian="12pt",
                fontsizecomplex="12pt",
                language="zh",
                country="TW",
                languageasian="zh",
                countryasian="TW",
            )
        )
        self.doc.styles.addElement(default)

        def paragraph(name, *, size=None, bold=False, align=None, **props):
            style = Style(name=name, family="paragraph", parentstylename="Standard")
            if align:
                props["textalign"] = align
            if props:
                style.addElement(ParagraphProperties(**props))
            text = {}
            if size:
                text.update(fontsize=size, fontsizeasian=size, fontsizecomplex=size)
            if bold:
                text.update(fontweight="bold", fontweightasian="bold", fontweightcomplex="bold")
            if text:
                style.addElement(TextProperties(**text))
            self.doc.automaticstyles.addElement(style)
            return style

        self.style = {
            "title": paragraph("DocTitle", size="20pt", bold=True, align="center", marginbottom="0.4cm"),
            "heading": paragraph(
                "DocHeading",
                size="14pt",
                bold=True,
                margintop="0.3cm",
                marginbottom="0.15cm",
                keepwithnext="always",
            ),
            "field": paragraph("DocField", marginleft="0cm"),
            # 「說明：」 stays with its first item.
            "field_label": paragraph("DocFieldLabel", keepwithnext="always"),
            "item": paragraph("DocItem", marginleft="1cm", textindent="-1cm"),
            "break": paragraph("DocPageBreak", breakbefore="page"),
            "cell": paragraph("DocCell", marginbottom="0cm"),
            "cell_head": paragraph("DocCellHead", bold=True, align="center", marginbottom="0cm"),
            "signature": paragraph("DocSignature", bold=True, marginbottom="1.8cm"),
        }
        for align in _ALIGN.values():
            self.style[f"p_{align}"] = paragraph(f"DocBody_{align}", align=align)
            self.style[f"p_{align}_bold"] = paragraph(f"DocBody_{align}_bold", align=align, bold=True)
        bold = Style(name="DocBold", family="text")
        bold.addElement(TextProperties(fontweight="bold", fontweightasian="bold", fontweightcomplex="bold"))
        self.doc.automaticstyles.addElement(bold)
        self.style["bold"] = bold
        cell = Style(name="DocTableCell", family="table-cell")
        cell.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.1cm"))
        self.doc.automaticstyles.addElement(cell)
        self.style["table_cell"] = cell

    # ------------------------------------------------------------ blocks

    def _p(self, style, text="", *, label=None):
        from odf.teletype import addTextToElement
        from odf.text import P, Span

        element = P(stylename=style)
        if label is not None:
            element.addElement(Span(stylename=self.style["bold"], text=_clean(label)))
        addTextToElement(element, _clean(text))
        return element

    def title(self, text: str) -> None:
        """The document's name, centred and large: 開會通知單, 會議紀錄, 函."""
        self.doc.text.addElement(self._p(self.style["title"], text))

    def heading(self, text: str) -> None:
        self.doc.text.addElement(self._p(self.style["heading"], text))

    def paragraph(self, text: str, *, bold: bool = False, align: str = "start") -> None:
        key = f"p_{_ALIGN[align]}" + ("_bold" if bold else "")
        self.doc.text.addElement(self._p(self.style[key], text))

    def field(self, label: str, value) -> None:
        """One line 「label：value」 with the label in bold, as 受文者：, 開會時間：."""
        self.doc.text.addElement(self._p(self.style["field"], value, label=f"{label}："))

    def numbered(self, label: str, items: list[str]) -> None:
        """「說明：」 then 一、二、三、 items with a hanging indent; one item is not numbered."""
        self.doc.text.addElement(self._p(self.style["field_label"], "", label=f"{label}："))
        if len(items) == 1:
            self.doc.text.addElement(self._p(self.style["item"], items[0]))
            return
        for number, item in enumerate(items, 1):
            self.doc.text.addElement(self._p(self.style["item"], f"{chinese_ordinal(number)}、{item}"))

    def _columns(self, table, count, widths):
        from odf.style import Style, TableColumnProperties
        from odf.table import TableColumn

        widths = widths or [1] * count
        total = sum(widths)
        for index, width in enumerate(widths, 1):
            style = Style(name=f"{table.getAttribute('name')}.C{index}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{self.text_width_cm * width / total:.2f}cm"))
            self.doc.automaticstyles.addElement(style)
            table.addElement(TableColumn(stylename=style))

    def _table(self, count, widths):
        from odf.style import Style, TableProperties
        from odf.table import Table

        self._tables += 1
        name = f"Table{self._tables}"
        style = Style(name=name, family="table")
        style.addElement(TableProperties(width=f"{self.text_width_cm:.2f}cm", align="margins"))
        self.doc.automaticstyles.addElement(style)
        table = Table(name=name, stylename=style)
        self._columns(table, count, widths)
        return table

    def _cell(self, text, style):
        from odf.table import TableCell

        cell = TableCell(stylename=self.style["table_cell"], valuetype="string")
        cell.addElement(self._p(style, text))
        return cell

    def table(self, headers: list[str], rows, widths: list[float] | None = None) -> None:
        """A bordered table; the header row repeats on every page it runs over."""
        from odf.table import TableHeaderRows, TableRow

        table = self._table(len(headers), widths)
        head = TableHeaderRows()
        row = TableRow()
        for header in headers:
            row.addElement(self._cell(header, self.style["cell_head"]))
        head.addElement(row)
        table.addElement(head)
        for values in rows:
            row = TableRow()
            for value in values:
                row.addElement(self._cell(value, self.style["cell"]))
            table.addElement(row)
        self.doc.text.addElement(table)

    def signatures(self, labels: list[str]) -> None:
        """A row of bordered boxes, each a label over room for a signature or seal."""
        from odf.table import TableRow

        table = self._table(len(labels), None)
        row = TableRow()
        for label in labels:
            row.addElement(self._cell(label, self.style["signature"]))
        table.addElement(row)
        self.doc.text.addElement(table)

    def page_break(self) -> None:
        self.doc.text.addElement(self._p(self.style["break"]))

    def content(self) -> bytes:
        out = io.BytesIO()
        self.doc.write(out)
        return out.getvalue()


def odt_response(content: bytes, filename: str) -> HttpResponse:
    """An HTTP download of an ODT, with its Chinese file name."""
    response = HttpResponse(content, content_type=MIMETYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
