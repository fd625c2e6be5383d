"""Spam mirrors and repost sites: recognise, clean, and mark them.

A copy of a government article on a spam host typically shows some of:

* ``junk-tags`` – empty random elements (``<meter id="x8f2">``) around the copied text;
* ``pinyin-annotations`` – ``報(bào)告``: pinyin in brackets after characters, dense;
* ``seo-keyword-block`` – a block of short keywords with no sentence punctuation;
* ``repost-footer`` – ``版权声明:本文由…发布``, ``本文来源于网络`` ...;
* ``foreign-canonical`` – a canonical/``Url``/``SiteDomain`` that names another host;
* ``pinyin-superlatives`` – advertising-law evasions (``diyi梯队``) in Chinese text.

Cleaning removes the annotations, keyword blocks and footers; ``is_mirror`` lets the corpus
prefer the official original.
"""
from __future__ import annotations

import re

from .urls import safe_split

_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ"
PINYIN_ANN_RE = re.compile(r"(?<=[\u4e00-\u9fff])[（(]([a-z" + _TONE + r"]{1,7})[)）]")
_HAS_TONE_RE = re.compile("[" + _TONE + "]")
REPOST_RE = re.compile(r"版权声明\s*[:：]?\s*本(?:文|站|网)由.{1,30}?(?:发布|整理)|"
                       r"(?:本文|部[份分]内容|文章)(?:来源于|转载自|收集于|来自)(?:互联)?网络|"
                       r"如有(?:侵权|不妥)(?:之处)?[，,]?\s*请联系(?:我们|本站)?(?:删除|处理)")
SUPERLATIVE_RE = re.compile(r"(?<![A-Za-z])(?:diyi|zui|shouge|duyiwuer|juejia|dingji|jiji|shoujia|wushang)"
                            r"(?=[\u4e00-\u9fff])")
_PUNCT_RE = re.compile(r"[。，！？；、,.!?;：:]")


def is_seo_block(line: str) -> bool:
    """A run of short keywords separated by commas, with no sentence in it.

    Navigation menus (words separated by spaces or bars, and made of links) are not keyword
    blocks; :func:`seo_elements` also requires the block to be plain text, not links.
    """
    s = line.strip()
    if re.search(r"[。！？：；、:;!?“”《》（）()]", s) or re.search(r"[，,]$", s):
        return False  # sentences and name lists (张三、李四) are not keyword blocks
    toks = [t.strip() for t in re.split(r"[,，]+", s) if t.strip()]
    if len(toks) < 6:
        return False
    short = sum(1 for t in toks if len(t) <= 16)
    return short >= 0.9 * len(toks) and sum(map(len, toks)) / len(toks) <= 12


def seo_elements(root) -> list:
    """Plain-text (not link) elements of the page that are keyword blocks."""
    from .render import element_text
    out = []
    for el in root.iter("div", "p", "td", "span", "section", "li", "font", "center", "footer"):
        t = element_text(el)
        if not t or len(t) > 2000 or not is_seo_block(t):
            continue
        link = sum(len(re.sub(r"\s+", "", a.text_content() or "")) for a in el.iter("a"))
        if link < 0.5 * len(re.sub(r"\s+", "", t)):
            out.append(el)
    return out


def pinyin_annotation_count(text: str) -> int:
    return sum(1 for m in PINYIN_ANN_RE.finditer(text) if _HAS_TONE_RE.search(m.group(1)))


def strip_pinyin_annotations(text: str) -> str:
    def rep(m):
        return "" if _HAS_TONE_RE.search(m.group(1)) else m.group(0)
    return PINYIN_ANN_RE.sub(rep, text)


def canonical_hosts(root, meta: dict) -> set:
    hosts = set()
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            hosts.add(safe_split(link.get("href")).netloc.lower())
    for k in ("Url", "og:url"):
        if meta.get(k) and re.match(r"(?i)https?://", meta[k]):
            hosts.add(safe_split(meta[k]).netloc.lower())
    if meta.get("SiteDomain"):
        hosts.add(meta["SiteDomain"].lower().strip("/").split("/")[0])
    return {h for h in hosts if h}


def _host_match(a: str, b: str) -> bool:
    a, b = a.split(":")[0], b.split(":")[0]
    a = a[4:] if a.startswith("www.") else a
    b = b[4:] if b.startswith("www.") else b
    return a == b or a.endswith("." + b) or b.endswith("." + a)


STRONG = {"junk-tags", "pinyin-annotations", "seo-keyword-block", "repost-footer"}


def is_mirror(signals: list[str]) -> bool:
    """A page is a mirror on one strong signal, or on two weak ones."""
    return any(s in STRONG for s in signals) or len(signals) >= 2


def detect(lines: list[str], junk_tags: int, root, meta: dict, url: str,
           page_lines: list[str] | None = None, seo_blocks: int | None = None) -> list[str]:
    """Mirror signals from the body lines and (for footers/keyword blocks) the whole page."""
    sig = []
    text = "\n".join(lines)
    everything = lines + list(page_lines or [])
    seo = seo_blocks if seo_blocks is not None else (len(seo_elements(root)) if root is not None else 0)
    if junk_tags >= 3:
        sig.append("junk-tags")
    n_ann = pinyin_annotation_count(text)
    if n_ann >= 3:
        sig.append("pinyin-annotations")
    if seo or any(is_seo_block(ln) for ln in lines):
        sig.append("seo-keyword-block")
    if any(REPOST_RE.search(ln) for ln in everything):
        sig.append("repost-footer")
    if len(SUPERLATIVE_RE.findall(text)) >= 1:
        sig.append("pinyin-superlatives")
    host = safe_split(url).netloc.lower() if url else ""
    if host:
        ch = canonical_hosts(root, meta)
        if ch and not any(_host_match(host, h) for h in ch):
            sig.append("foreign-canonical")
    return sig


_T2S = None


def to_simplified(text: str) -> str:
    """Undo a spam mirror's simplified->traditional conversion (OpenCC t2s)."""
    global _T2S
    if _T2S is None:
        try:
            from opencc import OpenCC
            _T2S = OpenCC("t2s")
        except Exception:  # opencc missing: keep the text as it is
            _T2S = False
    return _T2S.convert(text) if _T2S else text


def clean_text(text: str, signals: list[str]) -> str:
    """Clean one string (title or line) of a page with the given mirror signals.

    Pinyin annotations are removed; when they were present the page went through an automatic
    simplified->traditional conversion, which is undone so the copy can be matched with (and
    lose against) the official original.
    """
    if "pinyin-annotations" in signals:
        text = strip_pinyin_annotations(text)
        text = to_simplified(text)
    return text


def clean_lines(lines: list[str], signals: list[str] | None = None) -> list[str]:
    signals = signals or []
    out = []
    for ln in lines:
        if is_seo_block(ln) or REPOST_RE.search(ln):
            continue
        out.append(clean_text(strip_pinyin_annotations(ln), signals))
    return out
