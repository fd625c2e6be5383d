"""Attachment text: pdf (pypdf), docx (python-docx), xlsx (openpyxl), xls (xlrd), doc/wps (olefile)."""
from __future__ import annotations

import io
import os
import re
import zipfile

import pytest

from crawler.extract import AttachmentText, extract_attachment

from tests.fixtures.extract.helpers import FIXTURES

ATT = os.path.join(FIXTURES, "attachments")
PARAS = ["关于做好2024年度政协提案办理工作的通知", "各辖市、区人民政府，市各委办局：",
         "现将有关事项通知如下，请认真贯彻执行。（一）提高认识；（二）加强领导。"]
W = lambda s: re.sub(r"\s+", "", s or "")


def test_pdf():
    from crawler.replica.files import make_pdf
    r = extract_attachment(make_pdf("常州市2024年工作要点", PARAS), "http://x.gov.cn/P0201.pdf")
    assert r.error is None and r.mime == "application/pdf" and r.pages == 1
    assert W("".join(PARAS)) in W(r.text)
    assert "，" in r.text and "（一）" in r.text  # the file's own characters


def test_docx_paragraphs_and_tables():
    import docx
    d = docx.Document()
    for p in PARAS:
        d.add_paragraph(p)
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(1, 0).text, t.cell(1, 1).text = "单位", "金额", "市财政局", "120万元"
    d.add_paragraph("常州市人民政府办公室")
    buf = io.BytesIO()
    d.save(buf)
    r = extract_attachment(buf.getvalue(), "http://x.gov.cn/a.docx")
    assert r.error is None
    lines = r.text.split("\n")
    assert lines[:3] == PARAS
    assert "市财政局\t120万元" in lines
    assert lines[-1] == "常州市人民政府办公室"   # document order: table before the signature


def test_xlsx():
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["序号", "项目", "金额（万元）"], [1, "老旧小区改造", 1250.5], [2, "公共文化设施", 300]):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    r = extract_attachment(buf.getvalue(), "http://x.gov.cn/a.xlsx")
    assert r.error is None and r.pages == 1
    assert r.text.split("\n") == ["序号\t项目\t金额（万元）", "1\t老旧小区改造\t1250.5", "2\t公共文化设施\t300"]


def test_xls():
    r = extract_attachment(open(os.path.join(ATT, "sample.xls"), "rb").read(), "http://x.gov.cn/a.xls")
    assert r.error is None and r.mime == "application/vnd.ms-excel"
    assert r.text.split("\n")[1] == "1\t老旧小区改造\t1250.5"


@pytest.mark.parametrize("ext", ["doc", "wps"])
def test_word_binary(ext):
    r = extract_attachment(open(os.path.join(ATT, f"sample.{ext}"), "rb").read(), f"http://x.gov.cn/a.{ext}")
    assert r.error is None, r.error
    lines = r.text.split("\n")
    assert lines[0] == "Notice No. 12"                       # 8-bit piece
    assert "关于做好2024年度政协提案办理工作的通知" in lines     # UTF-16 piece
    assert "一、提高认识\t加强领导" in lines                    # cell/tab mark
    assert lines[-1] == "2024年3月1日"


def test_sniffing_beats_the_extension_and_content_type():
    from crawler.replica.files import make_pdf
    pdf = make_pdf("标题", PARAS)
    r = extract_attachment(pdf, "http://x.gov.cn/download.jsp?id=3", "application/octet-stream")
    assert r.error is None and r.mime == "application/pdf"
    doc = open(os.path.join(ATT, "sample.doc"), "rb").read()
    r = extract_attachment(doc, "http://x.gov.cn/file?id=9", "application/msword")
    assert r.error is None and "2024年3月1日" in r.text


@pytest.mark.parametrize("body,url,ct", [
    (b"", "http://x/a.pdf", None),
    (b"%PDF-1.4 broken", "http://x/a.pdf", None),
    (b"PK\x03\x04 not a zip", "http://x/a.docx", None),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "http://x/a.doc", None),
    (b"Rar!\x1a\x07\x00", "http://x/a.rar", None),
    (b"<html>404</html>", "http://x/a.ofd", "text/html"),
    (b"PK\x03\x04broken", "http://x/a.ofd", None),
])
def test_unsupported_or_corrupt_is_an_error_not_an_exception(body, url, ct):
    r = extract_attachment(body, url, ct)
    assert isinstance(r, AttachmentText)
    assert r.error and r.text == ""
    assert set(r.to_dict()) >= {"text", "mime", "pages", "error"}


def test_zip_that_is_not_office():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    r = extract_attachment(buf.getvalue(), "http://x/a.zip")
    assert r.error and "unsupported" in r.error


def _ofd(pages: list[list[tuple[float, float, str]]]) -> bytes:
    """A minimal OFD package: OFD.xml -> Doc_0/Document.xml -> Pages/Page_N/Content.xml."""
    ns = "http://www.ofdspec.org/2016"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{ns}" Version="1.0" '
                              f'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo>'
                              f'<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        plist = "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        z.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{ns}">'
                                         f'<ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID></ofd:CommonData>'
                                         f'<ofd:Pages>{plist}</ofd:Pages></ofd:Document>')
        for i, runs in enumerate(pages):
            objs = "".join(f'<ofd:TextObject ID="{i * 100 + k + 20}" Boundary="{x} {y} 150 6" Font="3" Size="4">'
                           f'<ofd:TextCode X="0" Y="5">{t}</ofd:TextCode></ofd:TextObject>'
                           for k, (x, y, t) in enumerate(runs))
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{ns}"><ofd:Content>'
                       f'<ofd:Layer ID="{i + 5}">{objs}</ofd:Layer></ofd:Content></ofd:Page>')
    return buf.getvalue()


def test_ofd():
    # runs given out of reading order: the extractor orders them by position
    body = _ofd([[(20, 40, "各辖市、区人民政府，"), (20, 20, "关于做好提案办理工作的通知"), (80, 40, "市各委办局：")],
                 [(20, 20, "现将有关事项通知如下。")]])
    r = extract_attachment(body, "http://x.gov.cn/a.ofd")
    assert r.error is None and r.pages == 2 and r.mime == "application/ofd"
    assert r.text.split("\n") == ["关于做好提案办理工作的通知", "各辖市、区人民政府，市各委办局：", "现将有关事项通知如下。"]
