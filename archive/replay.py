"""Replay a govcrawl collection in pywb (run as a program from its own venv).

pywb 2.10 pins ``redis==2.10.6`` / ``fakeredis<1``, which breaks scrapy-redis, so it lives in
``.venv-pywb`` (``make pywb``) and is driven through ``wb-manager`` and ``wayback``.

The collection's ``archive/`` holds *symlinks* to the WARCs (no copy of 1 GB files); a
WARC still ``.open`` is linked under its final name, so CDX lines name the file as the
pointers do. ``wb-manager reindex`` builds the collection's CDXJ.

    with PywbServer(["data/warc"]) as base:        # base = "http://127.0.0.1:PORT/govcrawl/"
        urlopen(base + "20261122010203id_/http://example/page.html")
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COLLECTION = "govcrawl"


def pywb_bin(name: str) -> str:
    """Path of a pywb program: ``$GOVCRAWL_PYWB_VENV/bin`` or ``<project>/.venv-pywb/bin``."""
    venv = os.environ.get("GOVCRAWL_PYWB_VENV") or str(PROJECT_ROOT / ".venv-pywb")
    path = os.path.join(venv, "bin", name)
    if not os.path.exists(path):
        found = shutil.which(name)
        if found:
            return found
        raise FileNotFoundError(
            f"{path} missing: build pywb's own venv with `make pywb` "
            f"(python3 -m venv .venv-pywb && .venv-pywb/bin/pip install pywb)")
    return path


def warc_files(paths) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += sorted(str(x) for x in p.iterdir() if x.name.endswith((".warc.gz", ".warc.gz.open", ".warc")))
        else:
            out.append(str(p))
    return out


def build_collection(root: str | os.PathLike, warc_paths, coll: str = COLLECTION) -> Path:
    """Create or refresh ``root/collections/coll`` from ``warc_paths`` (files or dirs)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    cdir = root / "collections" / coll
    if not cdir.exists():
        _run([pywb_bin("wb-manager"), "init", coll], root)
    arch = cdir / "archive"
    arch.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for f in warc_files(warc_paths):
        name = os.path.basename(f)
        if name.endswith(".open"):
            name = name[:-5]
        prev = wanted.get(name)  # a closed file wins over its .open twin
        if prev is None or (prev.endswith(".open") and not f.endswith(".open")):
            wanted[name] = os.path.abspath(f)
    for existing in arch.iterdir():
        if existing.is_symlink() and existing.name not in wanted:
            existing.unlink()
    for name, target in wanted.items():
        link = arch / name
        if link.is_symlink() or link.exists():
            if link.is_symlink() and os.readlink(link) == target:
                continue
            link.unlink()
        link.symlink_to(target)
    cfg = root / "config.yaml"
    if not cfg.exists():
        cfg.write_text("# written by archive.replay\nenable_memento: true\nframed_replay: true\n")
    _run([pywb_bin("wb-manager"), "reindex", coll], root)
    return cdir


def _run(cmd, cwd):
    r = subprocess.run(cmd, cwd=str(cwd), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr[-2000:]}")
    return r


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PywbServer:
    """Context manager: build a collection from ``warc_paths`` and serve it with
    ``wayback`` on 127.0.0.1; ``__enter__`` returns the collection's base URL
    (``http://127.0.0.1:PORT/govcrawl/``)."""

    def __init__(self, warc_paths, port: int = 0, root: str | None = None, coll: str = COLLECTION,
                 timeout: float = 60.0):
        self.warc_paths = warc_paths
        self.port = port or free_port()
        self._tmp = None if root else tempfile.TemporaryDirectory(prefix="govcrawl-pywb-")
        self.root = Path(root or self._tmp.name)
        self.coll = coll
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}/{coll}/"

    def start(self) -> str:
        build_collection(self.root, self.warc_paths, self.coll)
        self._log = open(self.root / "wayback.log", "wb")
        self.proc = subprocess.Popen(
            [pywb_bin("wayback"), "-b", "127.0.0.1", "-p", str(self.port), "-d", str(self.root)],
            cwd=str(self.root), stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"wayback exited {self.proc.returncode}: "
                                   f"{(self.root / 'wayback.log').read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2) as r:
                    if r.status == 200:
                        return self.url
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise TimeoutError("wayback did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()


def serve_forever(warc_paths, port: int = 8080, root: str | None = None) -> int:
    import signal

    srv = PywbServer(warc_paths, port=port, root=root)

    def _term(signum, frame):  # SIGTERM/SIGHUP: stop wayback too, never leave it orphaned
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _term)
    try:
        url = srv.start()
        print(f"pywb replaying {len(warc_files(warc_paths))} WARC file(s) at {url}", flush=True)
        return srv.proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        srv.stop()
        if srv._tmp is not None:
            srv._tmp.cleanup()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(serve_forever(sys.argv[1:] or ["data/warc"]))
