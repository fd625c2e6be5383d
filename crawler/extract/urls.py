"""URL helpers that never raise: real pages carry malformed hrefs (``http://[bad``, spaces,
control characters); one of them must not take a whole page's extraction down."""
from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit

_EMPTY = SplitResult("", "", "", "", "")


def safe_split(url: str | None) -> SplitResult:
    try:
        return urlsplit(url or "")
    except ValueError:
        return _EMPTY


def safe_join(base: str | None, href: str | None) -> str | None:
    href = (href or "").strip()
    if not href:
        return None
    try:
        out = urljoin(base or "", href)
        urlsplit(out)  # validate
        return out
    except ValueError:
        return None
