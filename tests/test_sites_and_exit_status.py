"""Sites as data, Scrapy conventions, and honest exit statuses."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

from crawler.report import FAILED, OK, judge
from tests.conftest import ROOT, govcrawl


def _scrapy(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, **(env or {})))


def test_scrapy_list_shows_every_site_including_configured_ones():
    proc = _scrapy("list")
    assert proc.returncode == 0, proc.stderr
    names = proc.stdout.split()
    for name in ("changzhou_zx", "changzhou_gov", "changshu", "wuhan_zx", "jiangyin_zx",
                 "hk_gia", "mirror", "wuxi_zx"):
        assert name in names


def test_a_site_added_as_a_toml_file_becomes_a_spider(tmp_path):
    (tmp_path / "suzhou_zx.toml").write_text(textwrap.dedent("""
        name = "suzhou_zx"
        title = "苏州政协"
        kind = "cppcc"
        start_urls = ["http://zx.suzhou.gov.cn/"]
        allowed_domains = ["zx.suzhou.gov.cn"]
        list_patterns = ['^/$']
        article_patterns = ['^/doc/\\\\d+\\\\.shtml$']
    """), encoding="utf-8")
    (tmp_path / "broken.toml").write_text("name = 'x'\nnot_a_field = 1\n", encoding="utf-8")
    proc = govcrawl("list", env={"GOVCRAWL_SITES": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert "suzhou_zx" in proc.stdout and "苏州政协" in proc.stdout
    assert "broken.toml" in proc.stderr and "not_a_field" in proc.stderr


def test_site_patterns_classify_real_url_shapes():
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    loader = get_spider_loader(get_project_settings())
    cases = {
        "changzhou_zx": [("http://zx.changzhou.gov.cn/html/czzx/2018/BAMOPFQL_1205/11349.html", "article"),
                         ("http://zx.changzhou.gov.cn/html/czzx/OHFIPFOD/index_2.html", "list")],
        "wuhan_zx": [("http://www.whzx.gov.cn/szx14j4chy/ldjh_20809/202501/t20250108_5068890.shtml", "article"),
                     ("http://www.whzx.gov.cn/ldjh/202301/t4427620.htm", "article"),
                     ("http://www.whzx.gov.cn/ldjh/index_3.shtml", "list"),
                     ("http://www.whzx.gov.cn/ldjh/index_3.htm", "list")],
        "jiangyin_zx": [("http://zx.jiangyin.gov.cn/doc/2024/10/18/1264158.shtml", "article"),
                        ("http://zx.jiangyin.gov.cn/doc/2020/05/20/856522.shtml", "article")],
        "changshu": [("http://www.changshu.gov.cn/art/2022/1/4/art_1234_5678.html", "article"),
                     ("http://www.changshu.gov.cn/col/col1234/index.html", "list")],
        "changzhou_gov": [("https://www.changzhou.gov.cn/gk/czyw/202401/t20240121_1234567.shtml", "article"),
                          # the real shapes recorded in sites.md
                          ("https://www.changzhou.gov.cn/ns_news/181705377311467", "article"),
                          ("https://www.changzhou.gov.cn/downxxgk.php?fid=1234567", "article"),
                          ("https://www.changzhou.gov.cn/gk/czyw/202401/P020240121123456789012.pdf", "attachment")],
        "hk_gia": [("https://www.info.gov.hk/gia/general/202401/16/P2024011600123.htm", "article"),
                   ("https://www.info.gov.hk/gia/general/202401/16c.htm", "list"),
                   ("https://www.info.gov.hk/gia/general/todayc.htm", "list")],
    }
    for name, urls in cases.items():
        spider = loader.load(name)()
        for url, role in urls:
            assert spider.role_of(url) == role, (name, url)
            assert spider.on_site(url)
        assert not spider.on_site("http://elsewhere.example/doc/2024/10/18/1.shtml")


def test_judge_turns_stats_into_an_exit_status():
    ok = {"downloader/response_count": 10, "downloader/request_count": 10,
          "downloader/response_status_count/200": 9, "downloader/response_status_count/404": 1,
          "govcrawl/not_found": 1, "govcrawl/articles": 7, "finish_reason": "finished"}
    assert judge(ok) == (OK, [])
    assert judge({**ok, "downloader/response_status_count/200": 0})[0] == FAILED
    assert judge({"downloader/request_count": 5, "govcrawl/failed/ConnectionRefusedError": 5})[0] == FAILED
    assert judge({**ok, "govcrawl/failed/http_503": 3})[0] == FAILED       # 30% failed
    assert judge({**ok, "spider_exceptions/ValueError": 1})[0] == FAILED
    assert judge({**ok, "finish_reason": "shutdown"})[0] == FAILED
    assert judge({**ok, "finish_reason": "closespider_errorcount"})[0] == FAILED
    assert judge({**ok, "govcrawl/articles": 0})[0] == FAILED               # patterns match nothing
    assert judge({**ok, "govcrawl/articles": 0, "govcrawl/articles_skipped_fresh": 8})[0] == OK
    assert judge({**ok, "govcrawl/failed/blocked_412": 2})[0] == FAILED    # anti-bot wall
    assert judge({**ok, "govcrawl/failed/blocked_412": 1})[0] == OK        # one page: reported only
    robots_only = {**ok, "downloader/response_status_count/200": 1,
                   "robotstxt/response_status_count/200": 1}
    assert judge(robots_only)[0] == FAILED
    # A scrapy-redis worker that found the shared queue drained did nothing wrong...
    assert judge({"govcrawl/distributed": 1, "finish_reason": "finished"})[0] == OK
    # ...but one that fetched and got nothing failed.
    assert judge({"govcrawl/distributed": 1, "downloader/request_count": 3,
                  "govcrawl/failed/DNSLookupError": 3})[0] == FAILED


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_crawl_of_an_unreachable_site_exits_non_zero(tmp_path):
    base = f"http://127.0.0.1:{_closed_port()}"
    proc = govcrawl("crawl", "jiangyin_zx", "--base-url", base, "--data", str(tmp_path),
                    "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_DELAY=0")
    assert proc.returncode == 1, proc.stdout + proc.stderr[-2000:]
    assert "FAILED" in proc.stdout
    scrapy = _scrapy("crawl", "jiangyin_zx", "-a", f"base_url={base}", "-s", "RETRY_TIMES=0",
                     "-s", f"GOVCRAWL_DATA_DIR={tmp_path / 's'}", "-s", "DOWNLOAD_DELAY=0")
    assert scrapy.returncode == 1, scrapy.stderr[-2000:]


def test_scrapy_crawl_of_a_good_site_exits_zero(replica, tmp_path):
    proc = _scrapy("crawl", "jiangyin_zx", "-a", f"base_url={replica.base_url('jiangyin_zx')}",
                   "-s", f"GOVCRAWL_DATA_DIR={tmp_path}", "-s", "DOWNLOAD_DELAY=0",
                   "-s", "AUTOTHROTTLE_ENABLED=False")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "crawl of jiangyin_zx ok" in proc.stderr


def test_crawl_all_leaves_out_sites_without_a_real_host(tmp_path):
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    loader = get_spider_loader(get_project_settings())
    assert loader.load("mirror").site.in_all is False
    assert all(loader.load(n).site.in_all for n in loader.list() if n != "mirror")
