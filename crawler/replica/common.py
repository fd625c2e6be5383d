"""Helpers shared by the replica sites."""
from __future__ import annotations

import datetime as dt
import html
import random
import zlib
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

esc = html.escape


def rng_for(seed: int, *parts) -> random.Random:
    key = "|".join(str(p) for p in (seed,) + parts)
    return random.Random(zlib.crc32(key.encode("utf-8")) ^ (seed * 0x9E3779B1 & 0xFFFFFFFF))


def safe(text: str, codec: str) -> str:
    """Drop characters the codec cannot encode (so truth == what is served)."""
    try:
        text.encode(codec)
        return text
    except UnicodeEncodeError:
        out = []
        for ch in text:
            try:
                ch.encode(codec)
                out.append(ch)
            except UnicodeEncodeError:
                pass
        return "".join(out)


def load_seed(name: str) -> tuple[str, str, str, list[str]]:
    lines = (DATA / name).read_text("utf-8").split("\n")
    title, date, source = lines[0], lines[1], lines[2]
    paras = [l for l in lines[3:] if l.strip()]
    return title, date, source, paras


def dates_back(rng: random.Random, n: int, end: dt.date, avg_gap: float = 1.6) -> list[dt.date]:
    """n dates ending at `end`, ascending."""
    out = []
    d = end
    for _ in range(n):
        out.append(d)
        d = d - dt.timedelta(days=int(rng.expovariate(1 / avg_gap)))
    return sorted(out)


def http_date(ts: dt.datetime) -> str:
    return ts.astimezone(dt.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


CST = dt.timezone(dt.timedelta(hours=8))


def lm_datetime(s: str) -> dt.datetime:
    """'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM' in UTC+8 -> aware datetime."""
    if len(s) == 10:
        s += " 09:30"
    return dt.datetime.strptime(s, "%Y-%m-%d %H:%M").replace(tzinfo=CST)


def paras_html(paras: list[str], style: str = "p") -> str:
    return "\n".join(f"<p>{esc(p, quote=False)}</p>" for p in paras)
