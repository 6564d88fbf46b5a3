"""Crawl the national web with the project's real crawl (registry -> run -> child crawl -> audit) and score
the audit against the ground truth. Shared by benchmarks/national_run.py and the integration test."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlalchemy import func, select

from muniaudit.nationalweb.server import NationalWeb
from muniaudit.nationalweb.truth import Accuracy, compare

FAST_SETTINGS = {   # politeness off: the web is local and the point is throughput
    "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 64,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2, "DOWNLOAD_TIMEOUT": 5, "RETRY_BACKOFF_BASE": 0.2,
    "LOG_LEVEL": "ERROR", "REACTOR_THREADPOOL_MAXSIZE": 20,
}


@dataclass
class NationalCrawl:
    run_id: int
    seconds: float
    returncode: int
    pages: int            # stored page rows (HTML pages and probed files)
    responses: int        # HTTP responses the crawler received (Scrapy stats)
    site_statuses: dict[str, int]


def crawl_national(web: NationalWeb, db_url: str, page_budget: int = 50, settings: dict | None = None,
                   timeout: float | None = None) -> NationalCrawl:
    """Point the registry at the web's URLs, create a run and crawl it in a child process."""
    from crawler.runner import CrawlOptions, crawl_in_subprocess
    from muniaudit.service import crawl, open_store
    from store.db import session_scope
    from store.models import CrawlRun, Municipality, Page, SiteCrawl
    from store.runs import status_counts

    engine = open_store(db_url)
    with session_scope(engine) as session:
        for cvegeo, url in web.start_urls().items():
            session.get(Municipality, cvegeo).url = url
    options = CrawlOptions(allow_private=True, page_budget=page_budget, render="never",
                           settings={**FAST_SETTINGS, **web.crawl_settings(), **(settings or {})})
    outcome = crawl(db_url, list(web.plans), options, label="national-web",
                    launch=partial(crawl_in_subprocess, timeout=timeout))
    run_id = outcome.run_id
    with session_scope(engine) as session:
        pages = session.scalar(select(func.count(Page.id)).join(SiteCrawl, Page.site_crawl_id == SiteCrawl.id)
                               .where(SiteCrawl.run_id == run_id)) or 0
        statuses = status_counts(session, run_id)
        crawls = (session.get(CrawlRun, run_id).stats or {}).get("crawls") or [{}]
        responses = int(crawls[-1].get("response_received_count", 0))
    engine.dispose()
    return NationalCrawl(run_id, outcome.seconds, outcome.returncode, pages, responses, statuses)


def audit_against_truth(web: NationalWeb, db_url: str, run_id: int, rubric: str = "aidh-2016") -> Accuracy:
    """Audit the run with the rubric and compare each auto criterion with the ground truth."""
    from muniaudit.service import audit_run, export_document, load_rubric, open_store

    engine = open_store(db_url)
    loaded = load_rubric(rubric)
    audit_run(engine, run_id, loaded)
    document = export_document(engine, run_id, loaded)
    engine.dispose()
    return compare(document["municipalities"], web.plans)
