#!/usr/bin/env python
"""Extraction benchmark: govcrawl vs trafilatura defaults vs readability-lxml, same run.

    .venv/bin/python bench/bench_extract.py [--realpages DIR] [--no-replica] [--articles N]

Scores, per page and overall:
* character F1 over the longest common subsequence, all whitespace removed
  (precision = LCS/len(extracted), recall = LCS/len(gold));
* title exact match and date exact match (whitespace-insensitive title comparison).

Corpora: the real pages (``../shared/realpages`` when present, else the copy in
``tests/fixtures/extract/realpages``; gold titles/dates from ``gold_meta.tsv`` there, made by
hand), and the replica's own truth (``crawler.replica``) when it is available.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
import time
import unicodedata
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

FIXTURE_DIR = os.path.join(ROOT, "tests", "fixtures", "extract", "realpages")
SHARED_DIR = os.path.normpath(os.path.join(ROOT, "..", "shared", "realpages"))


# ----------------------------------------------------------------------------- scoring
from crawler.extract.score import char_f1  # noqa: E402


def same_title(a: str | None, b: str | None) -> bool:
    norm = lambda s: re.sub(r"\s+", "", unicodedata.normalize("NFC", s or ""))
    return bool(a) and norm(a) == norm(b)


# ----------------------------------------------------------------------------- decoding
def decode_bytes(body: bytes, declared: str | None = None) -> str:
    try:
        from crawler.encoding import decode
        return decode(body, declared).text
    except ImportError:
        for enc in ("utf-8", "gb18030"):
            try:
                return body.decode(enc)
            except UnicodeDecodeError:
                pass
        return body.decode("utf-8", "replace")


# ----------------------------------------------------------------------------- systems
def run_govcrawl(html: str, url: str, fetch=None):
    """govcrawl as the crawl uses it: page 1, then the pages it finds itself, joined."""
    from crawler.extract import extract_html, join_pages
    r = extract_html(html, url)
    if fetch is not None and r.next_pages:
        parts = [r] + [extract_html(fetch(u), u) for u in r.next_pages]
        r = join_pages(parts)
    return r.text, r.title, r.published


def run_trafilatura(html: str, url: str, fetch=None):
    import trafilatura
    doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True)
    if doc is None:
        return "", None, None
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return d.get("text") or "", d.get("title"), d.get("date")


def run_readability(html: str, url: str, fetch=None):
    from readability import Document
    import lxml.html
    try:
        doc = Document(html, url=url or None)
        summary = doc.summary(html_partial=True)
        el = lxml.html.fromstring(summary)
        for br in el.iter("br"):
            br.tail = "\n" + (br.tail or "")
        text = el.text_content()
        title = doc.short_title()
    except Exception:
        return "", None, None
    return text, title, None


SYSTEMS = [("govcrawl", run_govcrawl), ("trafilatura", run_trafilatura), ("readability", run_readability)]


# ----------------------------------------------------------------------------- corpora
def load_realpages(directory: str):
    rows = list(csv.DictReader(open(os.path.join(directory, "manifest.tsv"), encoding="utf-8"),
                               delimiter="\t"))
    meta_path = os.path.join(directory, "gold_meta.tsv")
    if not os.path.exists(meta_path):
        meta_path = os.path.join(FIXTURE_DIR, "gold_meta.tsv")
    gm = {}
    with open(meta_path, encoding="utf-8") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    for r in csv.DictReader(io.StringIO("".join(lines)), delimiter="\t"):
        gm[r["file"]] = r
    for r in rows:
        if r.get("gold", "-") == "-":
            continue
        body = open(os.path.join(directory, r["file"]), "rb").read()
        declared = (r.get("declared_charset") or "").split(",")[0] or None
        gold = open(os.path.join(directory, r["gold"]), encoding="utf-8").read()
        g = gm.get(r["file"], {})
        yield {"name": r["file"], "html": decode_bytes(body, declared), "url": "", "text": gold,
               "title": g.get("title"), "published": g.get("published")}


def _http_get(url: str) -> str:
    for attempt in range(4):
        try:
            with urllib.request.urlopen(url, timeout=15) as resp:
                return decode_bytes(resp.read(), resp.headers.get_content_charset())
        except urllib.error.HTTPError as e:  # the replica injects one 503 per some URLs
            if e.code != 503 or attempt == 3:
                raise
    raise RuntimeError(url)


def load_replica(articles: int):
    """Every replica article with its truth; pages fetched over real sockets."""
    try:
        from crawler.replica import Replica
    except Exception as e:  # replica not there
        print(f"(replica unavailable: {e})", file=sys.stderr)
        return None, []
    rep = Replica(articles=articles)
    rep.start()
    out = []
    for site in rep.sites:
        for t in rep.truth(site):
            try:
                html = _http_get(t.url)
            except Exception as e:
                print(f"(fetch failed {t.url}: {e})", file=sys.stderr)
                continue
            out.append({"name": f"{site}:{t.url.rsplit('/', 1)[-1]}" + (f" ({len(t.pages)}p)" if len(t.pages) > 1 else ""),
                        "html": html, "url": t.url, "text": t.body, "title": t.title, "published": t.published,
                        "fetch": _http_get})
    return rep, out


# ----------------------------------------------------------------------------- report
def evaluate(pages, label):
    res = {name: [] for name, _ in SYSTEMS}
    print(f"\n== {label}: {len(pages)} pages")
    hdr = f"{'page':44s}" + "".join(f" {n[:11]:>11s} F1 T D" for n, _ in SYSTEMS)
    print(hdr)
    for p in pages:
        cells = []
        for name, fn in SYSTEMS:
            t0 = time.perf_counter()
            text, title, date = fn(p["html"], p["url"], p.get("fetch"))
            dt = time.perf_counter() - t0
            f1 = char_f1(text, p["text"])
            tok = same_title(title, p.get("title")) if p.get("title") else None
            dok = (date == p.get("published")) if p.get("published") else None
            res[name].append((f1, tok, dok, dt))
            cells.append(f" {f1:14.3f} {'+' if tok else '-'} {'+' if dok else '-'}")
        print(f"{p['name'][:44]:44s}" + "".join(cells))
    print(f"{'-' * 44}")
    summary = {}
    for name, _ in SYSTEMS:
        rows = res[name]
        if not rows:
            continue
        f1s = [r[0] for r in rows]
        t = [r[1] for r in rows if r[1] is not None]
        d = [r[2] for r in rows if r[2] is not None]
        summary[name] = dict(mean_f1=sum(f1s) / len(f1s), min_f1=min(f1s),
                             title=sum(t) / len(t) if t else float("nan"),
                             date=sum(d) / len(d) if d else float("nan"),
                             secs=sum(r[3] for r in rows))
        s = summary[name]
        print(f"{name:12s} mean F1 {s['mean_f1']:.4f}  min F1 {s['min_f1']:.3f}  title exact "
              f"{s['title']:.1%}  date exact {s['date']:.1%}  ({s['secs']:.2f}s)")
    g = summary.get("govcrawl")
    if g:
        beats = all(g["mean_f1"] > v["mean_f1"] for k, v in summary.items() if k != "govcrawl")
        target = g["mean_f1"] >= 0.98 and g["min_f1"] >= 0.90 and g["title"] >= 0.95 and g["date"] >= 0.95
        print(f"targets (mean F1 >= 0.98, every page >= 0.90, title/date >= 95%): {'met' if target else 'NOT met'}; "
              f"better than both baselines: {'yes' if beats else 'NO'}")
    return summary


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--realpages", default=None)
    ap.add_argument("--no-replica", action="store_true")
    ap.add_argument("--articles", type=int, default=12, help="replica articles per site")
    a = ap.parse_args(argv)
    d = a.realpages or (SHARED_DIR if os.path.exists(os.path.join(SHARED_DIR, "manifest.tsv")) else FIXTURE_DIR)
    print(f"real pages: {d}")
    out = {"realpages": evaluate(list(load_realpages(d)), "real pages")}
    if not a.no_replica:
        rep, rp = load_replica(a.articles)
        try:
            if rp:
                out["replica"] = evaluate(rp, "replica (multi-page: govcrawl follows next_pages, baselines see page 1)")
        finally:
            if rep is not None:
                rep.stop()
    return out


if __name__ == "__main__":
    main()
