"""govcrawl repair: stdout only, never in place; --explain writes JSON lines to stderr."""
import argparse
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

from crawler.encoding import cli

ROOT = Path(__file__).resolve().parent
SEEDS = ROOT / "fixtures" / "seeds"


def seed(name):
    return next(SEEDS.glob(name + "*.txt"))


def run_main(argv, stdin=b""):
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr = out, err
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        rc = cli.main(argv)
    finally:
        sys.stdout, sys.stderr, sys.stdin = old
    return rc, out.getvalue(), err.getvalue()


def test_repair_seed000_to_stdout_file_untouched():
    p = seed("000")
    before = hashlib.sha256(p.read_bytes()).hexdigest()
    rc, out, err = run_main(["repair", str(p), "--explain"])
    assert rc == 0
    assert hashlib.sha256(p.read_bytes()).hexdigest() == before
    assert "第一组" in out and "委员围绕" in out and "/span>" not in out
    lines = [json.loads(x) for x in err.splitlines()]
    assert lines and all(x["family"] == "lossy_gbk_roundtrip" for x in lines)
    assert {"file", "family", "start", "end", "before", "after", "confidence", "lost"} <= set(lines[0])
    assert any(x["lost"] for x in lines)


def test_repair_seed001_and_stdin():
    rc, out, err = run_main([str(seed("001"))])
    assert rc == 0 and err == ""
    assert "我們在承壓前行中彰顯韌勁" in out and "報(bào)" not in out
    rc, out, err = run_main(["-", "--summary"], stdin="鍙戝竷鏃ユ湡\n".encode())
    assert out == "发布日期\n"
    summary = json.loads(err.splitlines()[-1])
    assert summary["changed"] and summary["families"] == {"utf8_as_gbk": 1}


def test_register_on_a_parent_parser(tmp_path):
    parser = argparse.ArgumentParser(prog="govcrawl")
    sub = parser.add_subparsers(dest="cmd")
    cli.register(sub)
    f = tmp_path / "x.txt"
    f.write_bytes("发布日期".encode("gbk"))  # not UTF-8: decoded first
    args = parser.parse_args(["repair", str(f)])
    out = io.StringIO()
    old = sys.stdout
    sys.stdout = out
    try:
        assert args.func(args) == 0
    finally:
        sys.stdout = old
    assert out.getvalue() == "发布日期"


def test_module_entry_point():
    r = subprocess.run([sys.executable, "-m", "crawler.encoding.cli", "repair", str(seed("002"))],
                       capture_output=True, cwd=ROOT.parent, timeout=120)
    assert r.returncode == 0
    assert "第一梯队" in r.stdout.decode("utf-8")
