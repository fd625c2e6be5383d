"""A tiny reference link-walker: proves every truth URL of a replica site is reachable by links.

Used by tests/test_replica.py; handy for checking a spider's coverage against the same mechanisms.

It knows the link mechanisms the replica models: plain hrefs, TRS ``createPageHTML`` paging,
the changzhou_gov JSON list API, and Hanweb ``datastore`` records + ``dataproxy.jsp`` paging.
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

HREF = re.compile(r'href="([^"#]+)"')
CPH = re.compile(r'createPageHTML\((\d+),\s*(\d+),\s*"([^"]+)",\s*"([^"]+)"\)')
LISTAPI = re.compile(r'var listApi = "([^"]+)"')
TOTAL = re.compile(r"totalRecord:\s*(\d+)")
COLID = re.compile(r"columnid=(\d+)")


def fetch(url: str, tries: int = 3):
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status, r.geturl(), r.headers, r.read()
        except urllib.error.HTTPError as e:
            if e.code == 503:
                continue
            return e.code, url, e.headers, e.read()
    return 503, url, {}, b""


def links(url: str, body: bytes, ctype: str) -> list[str]:
    text = body.decode("latin-1")   # ASCII links only; encoding independent
    out = []
    if "json" in ctype:
        d = json.loads(body)
        out += [urljoin(url, it["url"]) for it in d["items"]]
        if d.get("next"):
            out.append(urljoin(url, d["next"]))
        return out
    for h in HREF.findall(text):
        h = h.replace("&amp;", "&")
        if h.startswith("javascript:") or h.startswith("https://beian") or " " in h or "'" in h:
            continue
        out.append(urljoin(url, h))
    for n, cur, name, ext in CPH.findall(text):
        base = url.rsplit("/", 1)[0] + "/"
        for i in range(int(n)):
            out.append(base + (f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}"))
    for api in LISTAPI.findall(text):
        out.append(urljoin(url, api))
    m = TOTAL.search(text)
    if m and "datastore" in text:
        col = COLID.search(text).group(1)
        total = int(m.group(1))
        for start in range(16, total + 1, 15):
            out.append(urljoin(url, f"/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + 14}"
                                    f"&perpage=15&columnid={col}&appid=1&webid=1"))
    return out


def crawl(base: str, limit: int = 100000, skip_robots: tuple = ("/search/",)) -> dict:
    """BFS over one site; returns {final_url: status}."""
    seen, queue, result = set(), [base + "/"], {}
    host = urlsplit(base).netloc
    while queue and len(seen) < limit:
        u = queue.pop(0)
        if u in seen:
            continue
        seen.add(u)
        if urlsplit(u).netloc != host or any(urlsplit(u).path.startswith(p) for p in skip_robots):
            continue
        status, final, headers, body = fetch(u)
        result[final] = status
        result.setdefault(u, status)
        if status != 200:
            continue
        ctype = headers.get("Content-Type", "") if headers else ""
        if not ("html" in ctype or "json" in ctype or "xml" in ctype):
            continue
        for l in links(final, body, ctype):
            if l not in seen:
                queue.append(l)
    return result
