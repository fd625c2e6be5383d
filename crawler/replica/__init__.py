"""Offline replica of Chinese municipal government sites (ground truth for tests and demos).

    from crawler.replica import Replica
    with Replica(articles=100, seed=0) as rep:
        rep.base_url("changzhou_zx"); rep.truth("changzhou_zx")

See docs/replica.md.
"""
from .base import ReplicaSite
from .model import RequestLog, TruthArticle, TruthAttachment
from .replica import Replica

__all__ = ["Replica", "ReplicaSite", "TruthArticle", "TruthAttachment", "RequestLog"]
