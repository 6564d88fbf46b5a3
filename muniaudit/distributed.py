"""Crawl one run on several Scrapyd nodes, partitioned by INEGI key, all writing to one database.

Each node runs the installed muniaudit package with a `scrapy.cfg` whose `[settings]` section names
`crawler.settings` (Scrapyd lists such projects without an egg). The coordinator creates the run, schedules one
`portal` job per node with `partition=i/n` (every site belongs to exactly one job, so per-site politeness holds),
waits for the jobs, and checks that every site of the run was settled. See docs/national-scale.md.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from crawler.runner import CrawlOptions
from store.db import resolve_url

PROJECT = "default"      # the project name Scrapyd gives to scrapy.cfg's [settings] default = crawler.settings


class ScrapydError(RuntimeError):
    """A Scrapyd node refused or failed a job."""


@dataclass
class Job:
    node: str
    job_id: str
    partition: str


def _settings_params(options: CrawlOptions, db_url: str) -> list[tuple[str, str]]:
    settings = {"MUNIAUDIT_DB": db_url, "MUNIAUDIT_ALLOW_PRIVATE": str(options.allow_private),
                "MUNIAUDIT_PAGE_BUDGET": str(options.page_budget), "MUNIAUDIT_RENDER": options.render,
                # each worker archives on its own machine (docs/crawling.md, Known limits)
                "MUNIAUDIT_WARC": str(options.warc),
                **({"MUNIAUDIT_WARC_DIR": options.warc_dir} if options.warc_dir else {}),
                # lists as Scrapy's getlist reads them back: comma-separated
                **{k: ",".join(map(str, v)) if isinstance(v, list | tuple) else str(v)
                   for k, v in (options.settings or {}).items() if v is not None}}
    return [("setting", f"{key}={value}") for key, value in settings.items()]


def dispatch(nodes: list[str], run_id: int, options: CrawlOptions, client: httpx.Client | None = None) -> list[Job]:
    """Schedule one partition of the run on each node."""
    db_url = resolve_url(options.db_url)
    if db_url.startswith("sqlite"):
        raise ScrapydError("un rastreo distribuido necesita una base compartida (PostgreSQL), no SQLite")
    client = client or httpx.Client(timeout=30)
    jobs = []
    for i, node in enumerate(nodes):
        partition = f"{i}/{len(nodes)}"
        params = [("project", PROJECT), ("spider", "portal"), ("run_id", str(run_id)), ("partition", partition),
                  *_settings_params(options, db_url)]
        # repeated `setting=` fields: httpx's data= takes a dict, so encode the form ourselves
        answer = client.post(f"{node.rstrip('/')}/schedule.json", content=urlencode(params),
                             headers={"Content-Type": "application/x-www-form-urlencoded"}).json()
        if answer.get("status") != "ok":
            raise ScrapydError(f"{node}: {answer.get('message', answer)}")
        jobs.append(Job(node, answer["jobid"], partition))
    return jobs


def wait(jobs: list[Job], timeout: float, poll: float = 1.0, client: httpx.Client | None = None) -> None:
    """Block until every job has finished on its node (or raise after `timeout` seconds)."""
    client = client or httpx.Client(timeout=30)
    deadline = time.monotonic() + timeout
    pending = list(jobs)
    while pending:
        if time.monotonic() > deadline:
            raise ScrapydError("tiempo agotado esperando a: " + ", ".join(f"{j.node} {j.partition}" for j in pending))
        time.sleep(poll)
        still = []
        for job in pending:
            listing = client.get(f"{job.node.rstrip('/')}/listjobs.json", params={"project": PROJECT}).json()
            finished = {j["id"] for j in listing.get("finished", [])}
            if job.job_id not in finished:
                still.append(job)
        pending = still


def crawl_distributed(nodes: list[str], run_id: int, options: CrawlOptions, timeout: float = 6 * 3600) -> list[Job]:
    with httpx.Client(timeout=30) as client:
        jobs = dispatch(nodes, run_id, options, client)
        wait(jobs, timeout, client=client)
    return jobs
