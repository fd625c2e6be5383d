"""Attachments: find them in an article, and extract their text.

Libraries (all maintained, pure Python, no system binaries):

* PDF – ``pypdf`` (BSD, actively maintained successor of PyPDF2; text layer only, no OCR);
* DOCX – ``python-docx`` (paragraphs and tables, in document order);
* XLSX – ``openpyxl`` (read-only mode, cell values row by row);
* XLS – ``xlrd`` (2.x reads exactly the old BIFF ``.xls`` format);
* OFD – the zip/XML fixed-layout format of Chinese e-government documents (GB/T 33190),
  read with the standard library and lxml: text runs placed by their coordinates;
* DOC / WPS – ``olefile`` opens the OLE2 container and we read the ``WordDocument`` stream
  through its piece table (CLX) ourselves: Word 97-2003 and WPS Office's ``.wps`` (same
  binary format when saved by WPS 2005+) store text as pieces of CP1252 or UTF-16LE.
  No antiword/catdoc binary is needed, so it also runs where Debian packages are absent.

Unsupported or corrupt files return ``AttachmentText(error=...)``, never raise.
"""
from __future__ import annotations

import io
import posixpath
import re
import struct
import unicodedata
import zipfile
from urllib.parse import unquote

from .urls import safe_join, safe_split

from .model import AttachmentText

ATTACHMENT_EXTS = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "wps": "application/wps-office.wps",
    "et": "application/vnd.ms-excel",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "ofd": "application/ofd",
    "zip": "application/zip",
    "rar": "application/x-rar-compressed",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_MIME_TO_EXT = {v: k for k, v in ATTACHMENT_EXTS.items()}
_MIME_TO_EXT.update({"application/x-pdf": "pdf", "application/kswps": "wps", "application/wps-office.wps": "wps",
                     "application/vnd.ms-word": "doc", "application/x-msword": "doc",
                     "application/x-xls": "xls", "application/wps-office.doc": "doc",
                     "application/wps-office.docx": "docx", "application/wps-office.xls": "xls",
                     "application/wps-office.xlsx": "xlsx"})


def _ext_of(url: str) -> str | None:
    path = unquote(safe_split(url).path)
    ext = posixpath.splitext(path)[1].lower().lstrip(".")
    return ext or None


def find_attachments(root, url: str) -> list[dict]:
    """Links to document files (by extension) in the article, in page order, deduplicated."""
    out, seen = [], set()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        absu = safe_join(url, href)
        if absu is None:
            continue
        ext = _ext_of(absu)
        if ext not in ATTACHMENT_EXTS or ext in ("txt",):
            # download scripts: ...download.jsp?filename=x.pdf
            q = safe_split(absu).query
            m = re.search(r"\.(pdf|docx?|xlsx?|wps|et|ofd|rtf)(?:&|$)", unquote(q), re.I)
            if not m:
                continue
        if absu in seen:
            continue
        seen.add(absu)
        name = re.sub(r"\s+", " ", a.text_content() or "").strip() or posixpath.basename(unquote(safe_split(absu).path))
        out.append({"url": absu, "name": name})
    return out


def _sniff(body: bytes) -> str | None:
    if body.startswith(b"%PDF") or b"%PDF-" in body[:1024]:
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
            return "ofd"
        return "zip"
    if body.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if body.startswith(b"{\\rtf"):
        return "rtf"
    return None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
    lines = [re.sub(r" *\t *", "\t", re.sub(r"[ \u00a0\u3000]+", " ", ln)).strip(" \t") for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def extract_attachment(body: bytes, url: str, content_type: str | None = None) -> AttachmentText:
    """Text of an attachment.  Errors are reported in ``.error``, never raised."""
    ext = _ext_of(url)
    ct = (content_type or "").split(";")[0].strip().lower()
    kind = _sniff(body or b"")
    if kind == "ole":
        kind = ext if ext in ("doc", "wps", "xls", "et", "ppt") else _MIME_TO_EXT.get(ct) or "ole"
        if kind == "et":
            kind = "xls"
    if kind is None:
        kind = ext if ext in ATTACHMENT_EXTS else _MIME_TO_EXT.get(ct)
    mime = ATTACHMENT_EXTS.get(kind or "", ct or None)
    res = AttachmentText(url=url, mime=mime)
    if not body:
        res.error = "empty body"
        return res
    try:
        if kind == "pdf":
            res.text, res.pages = _pdf(body)
        elif kind == "docx":
            res.text = _docx(body)
        elif kind == "xlsx":
            res.text, res.pages = _xlsx(body)
        elif kind == "xls":
            res.text, res.pages = _xls(body)
        elif kind in ("doc", "wps", "ole"):
            res.text = _word_binary(body)
            res.mime = ATTACHMENT_EXTS["wps" if kind == "wps" else "doc"]
        elif kind == "ofd":
            res.text, res.pages = _ofd(body)
        elif kind == "txt":
            res.text = _clean(_decode_text(body))
        elif kind == "rtf":
            res.error = "unsupported format: rtf"
        else:
            res.error = f"unsupported format: {kind or ext or ct or 'unknown'}"
    except Exception as e:  # corrupt files must not stop a crawl
        res.error = f"{kind}: {type(e).__name__}: {e}"[:300]
        res.text = ""
    if res.error is None and not res.text.strip():
        res.error = f"{kind}: no text layer (scanned image or empty document)"
    return res


def _decode_text(body: bytes) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            return body.decode(enc)
        except UnicodeDecodeError:
            pass
    return body.decode("utf-8", "replace")


def _pdf(body: bytes) -> tuple[str, int]:
    import logging

    from pypdf import PdfReader
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception as e:
            raise ValueError(f"encrypted PDF: {e}") from e
    parts = []
    for page in reader.pages:
        parts.append(page.extract_text() or "")
    return _clean("\n".join(parts)), len(reader.pages)


def _docx(body: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    d = docx.Document(io.BytesIO(body))
    lines = []
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, d).text)
        elif tag == "tbl":
            for row in Table(child, d).rows:
                cells, prev = [], None
                for c in row.cells:
                    if c._tc is prev:
                        continue  # merged cells repeat
                    prev = c._tc
                    cells.append(c.text.strip())
                lines.append("\t".join(cells))
    return _clean("\n".join(lines))


def _xlsx(body: bytes) -> tuple[str, int]:
    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    lines = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            vals = ["" if v is None else _cell_str(v) for v in row]
            while vals and vals[-1] == "":
                vals.pop()
            if any(vals):
                lines.append("\t".join(vals))
    n = len(wb.worksheets)
    wb.close()
    return _clean("\n".join(lines)), n


def _cell_str(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _xls(body: bytes) -> tuple[str, int]:
    import xlrd
    book = xlrd.open_workbook(file_contents=body, on_demand=False, logfile=io.StringIO())
    lines = []
    for sh in book.sheets():
        for r in range(sh.nrows):
            vals = [_cell_str(v) if v not in (None, "") else "" for v in sh.row_values(r)]
            while vals and vals[-1] == "":
                vals.pop()
            if any(vals):
                lines.append("\t".join(vals))
    return _clean("\n".join(lines)), book.nsheets


def _ofd(body: bytes) -> tuple[str, int]:
    """Text of an OFD (GB/T 33190, the Chinese fixed-layout format of e-government documents).

    OFD.xml -> DocRoot (Document.xml) -> Pages/Page@BaseLoc -> Content.xml; each TextObject's
    TextCode runs are placed by Boundary + X/Y; runs on the same baseline form one line.
    """
    from lxml import etree
    z = zipfile.ZipFile(io.BytesIO(body))
    names = {n.lower(): n for n in z.namelist()}

    def read_xml(path: str):
        path = posixpath.normpath(path.lstrip("/"))
        real = names.get(path.lower())
        if real is None:
            raise ValueError(f"OFD part missing: {path}")
        return etree.fromstring(z.read(real), parser=etree.XMLParser(resolve_entities=False, no_network=True))

    def local(el) -> str:
        return etree.QName(el).localname

    root = read_xml("OFD.xml")
    doc_roots = [e.text.strip() for e in root.iter() if isinstance(e.tag, str) and local(e) == "DocRoot" and e.text]
    if not doc_roots:
        raise ValueError("OFD without DocRoot")
    lines_out: list[str] = []
    n_pages = 0
    for doc_root in doc_roots:
        doc = read_xml(doc_root)
        base = posixpath.dirname(doc_root.lstrip("/"))
        pages = [e.get("BaseLoc") for e in doc.iter() if isinstance(e.tag, str) and local(e) == "Page" and e.get("BaseLoc")]
        for loc in pages:
            n_pages += 1
            page = read_xml(loc if loc.startswith("/") else posixpath.join(base, loc))
            runs = []
            for order, to in enumerate(e for e in page.iter() if isinstance(e.tag, str) and local(e) == "TextObject"):
                bx, by = 0.0, 0.0
                bnd = (to.get("Boundary") or "").split()
                if len(bnd) >= 2:
                    try:
                        bx, by = float(bnd[0]), float(bnd[1])
                    except ValueError:
                        pass
                for tc in to:
                    if not isinstance(tc.tag, str) or local(tc) != "TextCode" or not tc.text:
                        continue
                    try:
                        x = bx + float(tc.get("X") or 0)
                        y = by + float(tc.get("Y") or 0)
                    except ValueError:
                        x, y = bx, by
                    runs.append((round(y, 1), x, order, tc.text))
            runs.sort(key=lambda r: (r[0], r[1], r[2]))
            line, last_y = [], None
            for y, _x, _o, t in runs:
                if last_y is not None and abs(y - last_y) > 1.0:
                    lines_out.append("".join(line))
                    line = []
                line.append(t)
                last_y = y
            if line:
                lines_out.append("".join(line))
    return _clean("\n".join(lines_out)), n_pages


def _word_binary(body: bytes) -> str:
    """Text of a Word 97-2003 / WPS binary document via its piece table."""
    import olefile
    ole = olefile.OleFileIO(io.BytesIO(body))
    try:
        if not ole.exists("WordDocument"):
            if ole.exists("Workbook") or ole.exists("Book"):
                raise ValueError("OLE file is a spreadsheet, not a Word document")
            raise ValueError("OLE file without a WordDocument stream")
        wd = ole.openstream("WordDocument").read()
        flags = struct.unpack_from("<H", wd, 0x0A)[0]
        if flags & 0x0100:
            raise ValueError("encrypted Word document")
        table_name = "1Table" if flags & 0x0200 else "0Table"
        if not ole.exists(table_name):
            table_name = "1Table" if ole.exists("1Table") else "0Table"
        table = ole.openstream(table_name).read() if ole.exists(table_name) else b""
        # FibRgFcLcb97: fcClx / lcbClx at fixed offsets from the FIB base
        csw = struct.unpack_from("<H", wd, 32)[0]
        off = 34 + csw * 2
        cslw = struct.unpack_from("<H", wd, off)[0]
        off += 2 + cslw * 4
        cbrg = struct.unpack_from("<H", wd, off)[0]
        fib_rg = off + 2
        if cbrg < 68:
            raise ValueError("Word document FIB too short (pre-Word-97 format)")
        fc_clx, lcb_clx = struct.unpack_from("<II", wd, fib_rg + 66 * 4)
        ccp_text = struct.unpack_from("<i", wd, 34 + csw * 2 + 2 + 3 * 4)[0]
        clx = table[fc_clx:fc_clx + lcb_clx]
        pos = 0
        while pos < len(clx) and clx[pos] == 0x01:  # skip Prc entries
            cb = struct.unpack_from("<H", clx, pos + 1)[0]
            pos += 3 + cb
        if pos >= len(clx) or clx[pos] != 0x02:
            raise ValueError("no piece table in Word document")
        lcb = struct.unpack_from("<I", clx, pos + 1)[0]
        plc = clx[pos + 5:pos + 5 + lcb]
        n = (lcb - 4) // 12
        cps = struct.unpack_from("<%di" % (n + 1), plc, 0)
        out = []
        total = 0
        for i in range(n):
            pcd = plc[(n + 1) * 4 + i * 8:(n + 1) * 4 + (i + 1) * 8]
            fc = struct.unpack_from("<I", pcd, 2)[0]
            cnt = cps[i + 1] - cps[i]
            if ccp_text > 0 and total >= ccp_text:
                break
            if ccp_text > 0:
                cnt = min(cnt, ccp_text - total)
            total += cnt
            if fc & 0x40000000:
                start = (fc & ~0x40000000) // 2
                out.append(wd[start:start + cnt].decode("cp1252", "replace"))
            else:
                out.append(wd[fc:fc + 2 * cnt].decode("utf-16-le", "replace"))
        text = "".join(out)
    finally:
        ole.close()
    # Word control characters: paragraph/cell marks, fields, objects
    text = re.sub(r"\x13[^\x14\x15]*\x14", "", text)       # field codes (keep results)
    text = re.sub(r"\x13[^\x15]*\x15", "", text)
    text = text.replace("\x07", "\t").replace("\x0b", "\n").replace("\x0c", "\n")
    text = text.replace("\r", "\n").replace("\x01", "").replace("\x08", "")
    text = text.replace("\x15", "").replace("\x14", "").replace("\x1e", "-").replace("\x1f", "")
    return _clean(text)
