"""Attachment files: a small CJK PDF writer, DOCX (python-docx), XLSX (openpyxl)."""
from __future__ import annotations

import io
import zlib


def _wrap(text: str, width: int = 32) -> list[str]:
    lines = []
    for para in text.split("\n"):
        while len(para) > width:
            lines.append(para[:width])
            para = para[width:]
        lines.append(para)
    return lines


def make_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A PDF whose Chinese text pypdf can extract.

    Type0 font, Identity-H encoding, CIDs equal to the Unicode code points (BMP only), a ToUnicode
    CMap mapping every CID used back to its character. The font is not embedded (viewers substitute
    a CJK font; extraction relies only on ToUnicode).
    """
    lines = _wrap("\n".join(paragraphs), 32)   # the title is only in /Info: callers put it in paragraphs
    per_page = 40
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    used = sorted({ord(c) for l in lines for c in l if ord(c) < 0x10000})

    objs: list[bytes] = []

    def add(b: bytes) -> int:
        objs.append(b)
        return len(objs)

    def hexs(s: str) -> str:
        return "".join(f"{ord(c):04X}" for c in s if ord(c) < 0x10000)

    # ToUnicode CMap
    cm = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
          "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
          "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
          "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for i in range(0, len(used), 100):
        chunk = used[i:i + 100]
        cm.append(f"{len(chunk)} beginbfchar")
        cm += [f"<{u:04X}> <{u:04X}>" for u in chunk]
        cm.append("endbfchar")
    cm += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    cmap = "\n".join(cm).encode("ascii")
    cmap_z = zlib.compress(cmap)
    tou = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(cmap_z) + cmap_z + b"\nendstream")
    desc = add(b"<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [0 -141 1000 859] "
               b"/ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>")
    cid = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
              b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
              b"/FontDescriptor %d 0 R /DW 1000 /CIDToGIDMap /Identity >>" % desc)
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
               b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid, tou))
    pages_id_placeholder = len(objs) + 1
    add(b"")  # pages object, filled below
    page_ids = []
    for pl in pages:
        ops = ["BT", "/F1 12 Tf", "16 TL", "56 790 Td"]
        for l in pl:
            ops.append(f"<{hexs(l)}> Tj T*")
        ops.append("ET")
        content = zlib.compress("\n".join(ops).encode("ascii"))
        c = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream")
        p = add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                b"/Contents %d 0 R >>" % (pages_id_placeholder, font, c))
        page_ids.append(p)
    objs[pages_id_placeholder - 1] = (b"<< /Type /Pages /Kids [%s] /Count %d >>"
                                      % (b" ".join(b"%d 0 R" % i for i in page_ids), len(page_ids)))
    info = add(b"<< /Producer (govcrawl replica) /Title <FEFF" + hexs(title).encode() + b"> >>")
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id_placeholder)

    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objs) + 1, catalog, info, xref))
    return out.getvalue()


def make_docx(title: str, paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.author = "常州市人民政府办公室"
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def make_xlsx(title: str, rows: list[list]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r in rows:
        ws.append(r)
    wb.properties.title = title
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
