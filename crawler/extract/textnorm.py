"""The separate search field: NFKC + whitespace folding (the stored body keeps its characters)."""
from __future__ import annotations

import re
import unicodedata


def normalize_for_search(text: str | None) -> str:
    """NFKC (full-width -> ASCII punctuation and digits) and one space per whitespace run."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"[\u200b-\u200f\ufeff]", "", t)
    return re.sub(r"\s+", " ", t).strip()
