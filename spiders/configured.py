"""Sites added as data: every ``*.toml`` file in ``spiders/sites/`` and in the directories
named by the ``GOVCRAWL_SITES`` environment variable (``os.pathsep``-separated) becomes a
spider. Each file holds the fields of :class:`spiders.base.Site`; no code is copied.

Scrapy's spider loader only finds classes whose ``__module__`` is the module it imports, so
the classes are created here with this module's name.
"""

from __future__ import annotations

import logging
import os
import tomllib
from pathlib import Path

from spiders.base import MunicipalSpider, Site

logger = logging.getLogger(__name__)


def site_files() -> list[Path]:
    dirs = [Path(__file__).with_name("sites")]
    dirs += [Path(p) for p in os.environ.get("GOVCRAWL_SITES", "").split(os.pathsep) if p]
    files: list[Path] = []
    for d in dirs:
        if d.is_file():
            files.append(d)
        elif d.is_dir():
            files.extend(sorted(d.glob("*.toml")))
    return files


def load_site(path: Path) -> Site:
    with open(path, "rb") as f:
        return Site.from_dict(tomllib.load(f))


def _make_spider(site: Site) -> type[MunicipalSpider]:
    cls_name = "".join(part.capitalize() for part in site.name.split("_")) + "Spider"
    return type(cls_name, (MunicipalSpider,), {"site": site, "__module__": __name__})


for _path in site_files():
    try:
        _site = load_site(_path)
    except (OSError, ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
        # A broken site file must not take the other spiders down; it is reported loudly.
        logger.error("site file %s is invalid: %s", _path, exc)
        continue
    globals()[_site.name] = _make_spider(_site)
