"""Decoding fetched bytes and repairing damaged Chinese text (pure functions, no Scrapy)."""
from .decoder import Decoded, decode, sniff_meta_charset
from .labels import normalize_label
from .repairer import Fix, Repair, repair

__all__ = ["Decoded", "decode", "normalize_label", "sniff_meta_charset", "Fix", "Repair", "repair"]
