"""Corruption benchmark for crawler.encoding.repair (run: .venv/bin/python bench/bench_repair.py).

Clean Chinese text (simplified and traditional) from the clean seed documents, the gold texts
of /work/shared/realpages when present, and sentences generated from jieba's word
frequencies; every family is damaged by its own generator (crawler/encoding/corrupt.py,
the exact upstream process) and scored for no-op, ftfy.fix_text and govcrawl in one run:
character accuracy (1 - edit distance / reference length) and exact-match rate.  Then the
false-positive rate on >= 1M characters of clean simplified + traditional text and the
throughput on clean and damaged text.

Options: --segments N (per family, default 400), --clean-chars N (default 1_100_000),
--seed N, --json FILE (also write the numbers as JSON), --quick (small sizes for a smoke run).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.encoding import corrupt  # noqa: E402
from crawler.encoding import repair  # noqa: E402

SEEDS = ROOT / "tests" / "fixtures" / "seeds"
SHARED = Path("/work/shared/realpages/gold")


# ---------------------------------------------------------------------------------------------
# clean text
# ---------------------------------------------------------------------------------------------
_WORDS = None


def _jieba_words():
    global _WORDS
    if _WORDS is not None:
        return _WORDS
    import itertools

    import jieba

    words, weights = [], []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in p[0]):
                words.append(p[0])
                weights.append(int(p[1]))
    _WORDS = words, list(itertools.accumulate(weights))
    return _WORDS


_PUNCT_MID = "，，，，、；：" 
# sentence ends as in government text: mostly 。, rarely ！ ？ ；
_PUNCT_END = "。" * 30 + "！？；"


def generated_text(n_chars: int, rng: random.Random) -> str:
    """Sentences of jieba words: 85% frequency-weighted, 15% uniform (rare words)."""
    words, weights = _jieba_words()
    out = []
    total = 0
    while total < n_chars:
        k = rng.randint(6, 18)
        if rng.random() < 0.85:
            ws = rng.choices(words, cum_weights=weights, k=k)
        else:
            ws = [rng.choice(words) for _ in range(k)]
        parts = []
        for i, w in enumerate(ws):
            parts.append(w)
            if i < k - 1 and rng.random() < 0.15:
                parts.append(rng.choice(_PUNCT_MID))
            if rng.random() < 0.016:  # ~7 Hanzi->digit transitions per 1000 Hanzi, as in real text
                parts.append(str(rng.randint(1, 2024)) + rng.choice(["年", "个", "%", "万元", "项"]))
        s = "".join(parts) + rng.choice(_PUNCT_END)
        out.append(s)
        total += len(s)
    return "".join(out)


def real_text() -> list[str]:
    docs = []
    for name in ("003_12005c2472fab957.txt", "004_79cff04956d59e2c.txt"):
        p = SEEDS / name
        if p.exists():
            docs.append(p.read_text(encoding="utf-8"))
    if SHARED.exists():
        for p in sorted(SHARED.glob("*.txt")):
            docs.append(p.read_text(encoding="utf-8"))
    return docs


def sentences(text: str, lo=12, hi=160) -> list[str]:
    out = []
    for para in text.split("\n"):
        para = para.strip()
        if not para:
            continue
        for s in re.findall(r"[^。！？]*[。！？]?", para):
            s = s.strip()
            if lo <= len(s) <= hi and sum(1 for c in s if "\u4e00" <= c <= "\u9fff") >= lo // 2:
                out.append(s)
    return out


_S2T = None


def s2t(s: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc

        _S2T = opencc.OpenCC("s2t")
    return _S2T.convert(s)


# ---------------------------------------------------------------------------------------------
# families
# ---------------------------------------------------------------------------------------------
def mirror_table() -> dict[str, str]:
    p = SEEDS / "001_9c9d212ba829e671.txt"
    table = {}
    if p.exists():
        t = p.read_text(encoding="utf-8")
        for c, py in re.findall(r"([^\x00-\x7f])\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)", t):
            table[c] = py
    table.setdefault("冊", "cè")
    for c, py in (("報", "bào"), ("發", "fā"), ("會", "huì"), ("長", "zhǎng"), ("號", "hào"),
                  ("協", "xié"), ("現", "xiàn"), ("請", "qǐng")):
        table.setdefault(c, py)
    return table


_TAG_WRAP = [
    ("<span>", "</span>"), ("<td>", "</td>"), ('<a href="/html/2023/01/10.html">', "</a>"),
    ('<p style="text-indent:2em">', "</p>"), ('<span id="hits">', "</span>"), ("<strong>", "</strong>"),
    ("<li>", "</li>"),
]


_FW = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}


def unfold(s: str) -> str:
    """Undo NFKC on punctuation (the seed texts were flattened): a web page has ，：；（）."""
    return re.sub(r"[,:;()?!]", lambda m: _FW[m.group()], s)


def html_segment(phrases: list[str], rng: random.Random) -> str:
    parts = []
    for ph in phrases:
        o, c = rng.choice(_TAG_WRAP)
        parts.append(o + ph + c)
        if rng.random() < 0.3:
            parts.append(rng.choice(["\n", " ", "：", "，", "&nbsp;"]))
    return "".join(parts)


def build_families(rng: random.Random, n: int, simp: list[str], trad: list[str]):
    fams: dict[str, list[tuple[str, str, bool]]] = {}

    def take(pool, k):
        return [rng.choice(pool) for _ in range(k)]

    def simple(name, gen, pool):
        """Up to n lossless and n lossy segments (the wrong decode lost no byte / some)."""
        good, bad = [], []
        tries = 0
        while (len(good) < n or len(bad) < n) and tries < n * 200:
            tries += 1
            s = rng.choice(pool)
            try:
                d, ok = gen(s)
            except UnicodeEncodeError:
                continue
            if d == s:
                continue
            (good if ok else bad).append((s, d, ok))
        if good:
            fams[name + " [lossless]"] = good[:n]
        if bad:
            fams[name + " [lossy]"] = bad[:n]

    simple("utf8_as_gbk", corrupt.utf8_as_gbk, simp)
    simple("utf8_as_gbk/trad", corrupt.utf8_as_gbk, trad)
    simple("gbk_as_latin1", corrupt.gbk_as_latin1, simp)
    simple("gbk_as_latin1/trad", corrupt.gbk_as_latin1, trad)
    simple("utf8_as_latin1", corrupt.utf8_as_latin1, simp)
    simple("big5_as_latin1/trad", corrupt.big5_as_latin1, trad)
    simple("big5_as_gbk/trad", corrupt.big5_as_gbk, trad)
    simple("gbk_as_big5", corrupt.gbk_as_big5, simp)
    simple("utf8_as_big5", corrupt.utf8_as_big5, simp)
    simple("double_utf8_gbk", corrupt.double_utf8_gbk, simp)
    # seed 000: lossy GBK round trip of HTML; reference = NFKC of the tag-stripped source
    rows = []
    while len(rows) < n:
        phrases = []
        if rng.random() < 0.3:  # a short heading, as in seed 000 (第一组, 坚定不移强产业)
            s = rng.choice(simp)
            phrases.append(s[: rng.randint(2, 9)])
        for _ in range(rng.randint(1, 3)):
            phrases.append(rng.choice(simp))
        phrases = [unfold(p) for p in phrases]
        html = html_segment(phrases, rng)
        ref = unicodedata.normalize("NFKC", corrupt.strip_tags(html)).replace("&nbsp;", "&nbsp;")
        dmg = corrupt.lossy_gbk_roundtrip(html)
        rows.append((ref, dmg, False))
    fams["seed000 lossy_gbk_roundtrip"] = rows
    # seed 001: mirror annotations + misaligned GBK
    table = mirror_table()
    rows = []
    tries = 0
    while len(rows) < n and tries < n * 20:
        tries += 1
        t = rng.choice(trad)
        try:
            dmg = corrupt.mirror_annotate(t, table)
        except UnicodeEncodeError:
            continue
        ref = unicodedata.normalize("NFKC", t)
        if dmg == ref:
            continue
        rows.append((ref, dmg, False))
    fams["seed001 misaligned+pinyin"] = rows
    # seed 002: superlatives in pinyin
    pool = [s for s in simp if "第一" in s or "最" in s]
    rows = []
    for s in take(pool, n) if pool else []:
        rows.append((s, corrupt.superlatives_to_pinyin(s), True))
    fams["pinyin_superlative"] = rows
    return fams


# ---------------------------------------------------------------------------------------------
# scoring
# ---------------------------------------------------------------------------------------------
def char_acc(ref: str, out: str) -> float:
    from rapidfuzz.distance import Levenshtein

    if not ref:
        return 1.0 if not out else 0.0
    return max(0.0, 1.0 - Levenshtein.distance(ref, out) / len(ref))


def methods():
    ms = {"no-op": lambda s: s}
    try:
        import ftfy

        ms["ftfy"] = ftfy.fix_text
    except Exception:  # pragma: no cover
        pass
    ms["govcrawl"] = lambda s: repair(s).text
    return ms


def run(args):
    rng = random.Random(args.seed)
    t0 = time.time()
    real = real_text()
    simp_sent = [s for d in real for s in sentences(d)]
    gen = generated_text(60000 if args.quick else 250000, rng)
    simp_sent += sentences(gen.replace("。", "。\n"), 12, 120)
    trad_sent = [s2t(s) for s in rng.sample(simp_sent, min(len(simp_sent), 4000))]
    n = args.segments
    fams = build_families(rng, n, simp_sent, trad_sent)
    ms = methods()
    print(f"# govcrawl repair benchmark  (seed {args.seed}; {n} segments per family; "
          f"built in {time.time() - t0:.1f}s)")
    print()
    hdr = f"{'family':30} {'n':>4} | " + " | ".join(
        f"{m:>8} acc  exact" for m in ms)
    print(hdr)
    print("-" * len(hdr))
    results = {"families": {}}
    for fam, rows in fams.items():
        line = {"n": len(rows), "lossless": sum(1 for r in rows if r[2])}
        cells = []
        for mname, fn in ms.items():
            accs, exact, exact_ll, n_ll = [], 0, 0, 0
            for ref, dmg, ok in rows:
                out = fn(dmg)
                a = char_acc(ref, out)
                accs.append(a)
                exact += out == ref
                if ok:
                    n_ll += 1
                    exact_ll += out == ref
            acc = sum(accs) / max(1, len(accs))
            line[mname] = {"char_acc": round(acc, 4), "exact": round(exact / max(1, len(rows)), 4),
                           "exact_lossless": round(exact_ll / n_ll, 4) if n_ll else None}
            cells.append(f"{acc:12.4f} {exact / max(1, len(rows)):6.3f}")
        results["families"][fam] = line
        print(f"{fam:30} {len(rows):4d} | " + " | ".join(cells))
    # ---- false positives on clean text
    print()
    target = args.clean_chars
    clean_docs_s = []
    total = 0
    for d in real:
        clean_docs_s.append(d)
        total += len(d)
    while total < target // 2:
        d = generated_text(20000, rng)
        # paragraphs like an extracted article
        d = re.sub("(。)", lambda m: m.group(1) + ("\n" if rng.random() < 0.2 else ""), d)
        clean_docs_s.append(d)
        total += len(d)
    clean_docs_t = [s2t(d) for d in clean_docs_s]
    fp_docs = fp_chars = 0
    n_chars = 0
    n_docs = 0
    examples = []
    t1 = time.time()
    for d in clean_docs_s + clean_docs_t:
        r = repair(d)
        n_docs += 1
        n_chars += len(d)
        if r.text != d:
            fp_docs += 1
            fp_chars += sum(len(f.before) for f in r.fixes)
            examples.extend(r.fixes[:3])
    dt = time.time() - t1
    nbytes = sum(len(d.encode("utf-8")) for d in clean_docs_s + clean_docs_t)
    print(f"false positives on clean text: {fp_docs} of {n_docs} documents, {fp_chars} of "
          f"{n_chars} characters changed (simplified {sum(map(len, clean_docs_s))} + traditional "
          f"{sum(map(len, clean_docs_t))} chars)")
    for f in examples[:10]:
        print(f"   FP {f.family}: {f.before!r} -> {f.after!r}")
    results["false_positives"] = {"docs": fp_docs, "of_docs": n_docs, "chars_changed": fp_chars,
                                  "of_chars": n_chars}
    # ---- clean lines inside damaged documents (document-level evidence must not spill over)
    spill = spill_n = 0
    for gen_fn, pool in ((corrupt.utf8_as_gbk, simp_sent), (corrupt.gbk_as_latin1, simp_sent),
                         (corrupt.big5_as_gbk, trad_sent), (corrupt.gbk_as_big5, simp_sent),
                         (corrupt.double_utf8_gbk, simp_sent), (corrupt.utf8_as_latin1, trad_sent)):
        done = 0
        while done < (20 if args.quick else 100):
            sents = [rng.choice(pool) for _ in range(8)]
            j = rng.randrange(8)
            try:
                dmg, _ = gen_fn(sents[j])
            except UnicodeEncodeError:
                continue
            done += 1
            lines = repair("\n".join(sents[:j] + [dmg] + sents[j + 1:])).text.split("\n")
            for i in range(8):
                if i != j:
                    spill_n += 1
                    spill += len(lines) != 8 or lines[i] != sents[i]
    print(f"clean lines changed inside damaged documents: {spill} of {spill_n}")
    results["false_positives"]["clean_lines_in_damaged_docs"] = [spill, spill_n]
    # ---- throughput
    print()
    mb = nbytes / 1e6
    print(f"throughput clean text:   {mb / dt:8.1f} MB/s  ({mb:.1f} MB of UTF-8 in {dt:.2f}s, "
          f"first call includes loading the language model)")
    t2 = time.time()
    for d in clean_docs_s + clean_docs_t:
        repair(d)
    dt2 = time.time() - t2
    print(f"throughput clean text:   {mb / dt2:8.1f} MB/s  (warm)")
    damaged = [dmg for rows in fams.values() for _, dmg, _ in rows]
    dmb = sum(len(d.encode("utf-8")) for d in damaged) / 1e6
    t3 = time.time()
    for d in damaged:
        repair(d)
    dt3 = time.time() - t3
    print(f"throughput damaged text: {dmb / dt3:8.2f} MB/s  ({len(damaged)} segments, {dmb:.2f} MB)")
    results["throughput"] = {"clean_mb_s": round(mb / dt2, 2), "damaged_mb_s": round(dmb / dt3, 3)}
    print(f"\ntotal {time.time() - t0:.1f}s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--segments", type=int, default=400)
    ap.add_argument("--clean-chars", type=int, default=1_100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    if args.quick:
        args.segments = min(args.segments, 60)
        args.clean_chars = min(args.clean_chars, 100_000)
    run(args)


if __name__ == "__main__":
    main()
