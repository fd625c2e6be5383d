"""SQLite corpus: schema, exact + near-duplicate detection, Chinese full-text search, exports.

    from crawler.corpus import Corpus
    corpus = Corpus("data/corpus.db")

See docs/corpus.md for the schema and the dedup/search design.
"""
from .store import AddResult, Corpus, Hit, prepare
from .schema import SCHEMA_VERSION

__all__ = ["Corpus", "AddResult", "Hit", "prepare", "SCHEMA_VERSION"]
