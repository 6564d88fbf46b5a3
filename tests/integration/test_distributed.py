"""Two Scrapyd nodes on loopback crawl one partitioned run into the local PostgreSQL: every municipality is
crawled exactly once and the results are complete."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from crawler.runner import CrawlOptions, new_run
from muniaudit import distributed, service
from muniaudit.sampleweb.server import serve_sample_web
from store.db import session_scope
from store.models import CrawlRun, Municipality, Page, SiteCrawl
from store.runs import finish_run, in_partition

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
SITES = {"14097": "strong", "14120": "social_only", "14039": "legal_only", "14098": "small_town", "14002": "js_only"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_scrapyd(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    workdir.mkdir(parents=True)
    (workdir / "scrapy.cfg").write_text(
        "[settings]\ndefault = crawler.settings\n\n"
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.3\nmax_proc = 2\n"
        "logs_dir = logs\neggs_dir = eggs\ndbs_dir = dbs\njobs_to_keep = 5\n", encoding="utf-8")
    exe = shutil.which("scrapyd", path=str(Path(sys.executable).parent)) or "scrapyd"
    proc = subprocess.Popen([exe], cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{url}/daemonstatus.json", timeout=1).json().get("status") == "ok":
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("scrapyd did not start")


@pytest.fixture
def nodes(tmp_path):
    if shutil.which("scrapyd", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("scrapyd is not installed (pip install -e '.[dev]')")
    started = [_start_scrapyd(tmp_path / f"node{i}") for i in range(2)]
    yield [url for _, url in started]
    for proc, _ in started:
        proc.terminate()
        proc.wait(timeout=10)


def test_two_scrapyd_nodes_crawl_each_site_exactly_once(pg_url, nodes, tmp_path):
    engine = service.open_store(pg_url)
    with serve_sample_web(delay_s=2) as web:
        with session_scope(engine) as s:
            for key, site in SITES.items():
                s.get(Municipality, key).url = web.entry_url(site)
        run_id = new_run(pg_url, list(SITES), label="dist")
        options = CrawlOptions(db_url=pg_url, allow_private=True, render="never",
                               settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False})
        jobs = distributed.crawl_distributed(nodes, run_id, options, timeout=240)
    assert {j.node for j in jobs} == set(nodes)
    # both partitions hold sites, and together they cover the run
    for job in jobs:
        i, n = map(int, job.partition.split("/"))
        assert any(in_partition(k, (i, n)) for k in SITES)

    with session_scope(engine) as s:
        finish_run(s, run_id)
    with session_scope(engine) as s:
        sites = list(s.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id)))
        assert sorted(x.cvegeo for x in sites) == sorted(SITES)           # exactly once each
        assert all(x.status in ("ok", "partial") for x in sites), [(x.cvegeo, x.status, x.error) for x in sites]
        assert s.get(CrawlRun, run_id).status == "finished"
        home_fetches = s.execute(select(Page.site_crawl_id, func.count()).where(Page.depth == 0, Page.fault.is_(None),
                                                                               Page.render_mode == "http")
                                 .group_by(Page.site_crawl_id)).all()
        assert all(n == 1 for _, n in home_fetches), home_fetches        # no site crawled twice
    rubric = service.load_rubric("aidh-2016")
    summary = service.audit_run(engine, run_id, rubric)
    doc = service.export_document(engine, run_id, rubric)
    strong = next(m for m in doc["municipalities"] if m["cvegeo"] == "14097")
    assert summary.audited == len(SITES) and strong["rank"]["national"] == 1
    create_engine(pg_url).dispose()
