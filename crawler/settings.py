"""Scrapy settings for the portal spider: polite by default (see docs/crawling.md)."""
import os

from store.version import __version__

BOT_NAME = "muniaudit"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = f"muniaudit/{__version__} (+https://github.com/muniaudit/muniaudit; auditoría de transparencia municipal)"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024       # larger responses are cancelled and recorded as too_large
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"      # giving up is expected on broken sites; the fault is recorded
RETRY_BACKOFF_BASE = 1.0                 # seconds before the first retry; doubled each time (crawler.middlewares)
RETRY_BACKOFF_MAX = 30.0
MUNIAUDIT_HOST_FAILURES = 3              # consecutive timeouts/refusals/resets of a host, no answer between: no more
                                         # retries, and the site's remaining pages are not asked (0 = off)
REDIRECT_MAX_TIMES = 8
# Scrapy's own dupe filter and depth middleware drop requests silently; the spider tracks both itself so
# that every scheduled request ends in a callback or errback (that is how it knows a site is finished).
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"
DEPTH_LIMIT = 0
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every callback's output, however short. Our one pipeline
# writes synchronously, so parallel items buy nothing; the default 100 cost ≈ 27 % of the crawl's CPU
# (200-site national run: 80 CPU-seconds with 100, 58 with 4).
CONCURRENT_ITEMS = 4
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Checks the address each connection actually uses (DNS rebinding); see crawler/dns.py.
TWISTED_DNS_RESOLVER = "crawler.dns.GuardedResolver"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SiteScopeMiddleware": 40,         # redirects stay on the site (crawler.scope)
    "crawler.middlewares.AddressGuardMiddleware": 50,      # before robots.txt is fetched for a new host
    "crawler.middlewares.TlsCheckMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.TolerantMetaRefreshMiddleware": 580,   # Scrapy's slot for meta refresh
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.WarcArchiveMiddleware": 950,      # nearest the network: responses exactly as served (HTML pages)
}
ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 300,
}

# muniaudit's own settings (overridable with -s or from the CLI)
MUNIAUDIT_DB = None                 # SQLAlchemy URL; None = MUNIAUDIT_DB env var or ./muniaudit.sqlite
MUNIAUDIT_ALLOW_PRIVATE = False     # allow loopback/private addresses (tests, demo)
MUNIAUDIT_PAGE_BUDGET = 300         # HTML pages per site
MUNIAUDIT_FILE_BUDGET = 150         # files probed (HEAD) per site
MUNIAUDIT_PROBE_DOCUMENTS = False   # also probe PDFs, office documents and images (only data files by default)
MUNIAUDIT_EVIDENCE_DIRECTED = True  # stop a site when only links that cannot carry evidence remain
MUNIAUDIT_TEMPLATE_SAMPLE = 2       # pages of one content template read before the rest waits for evidence
MUNIAUDIT_SITE_DECIDER = None       # dotted path of a decider (crawler/decider.py); the app sets audit.decider
MUNIAUDIT_DECIDER_RUBRICS = []      # rubric files the decider steers by (the app sets every bundled rubric)
MUNIAUDIT_MAX_DEPTH = 6
MUNIAUDIT_RENDER = "auto"           # auto (render JS shells if Chromium is installed) | never | always
MUNIAUDIT_RENDER_BUDGET = 20        # browser-rendered pages per site
MUNIAUDIT_RENDER_SECONDS = 120.0    # browser time per site; past it, pages are listed as needing render
MUNIAUDIT_RENDER_TIMEOUT = 20.0     # seconds for one browser navigation
MUNIAUDIT_CHROMIUM = os.environ.get("MUNIAUDIT_CHROMIUM", "/usr/bin/chromium")   # same variable as reports.pdf
MUNIAUDIT_QUERY_VARIANTS = 5        # distinct query strings per path (crawl-trap defence)
MUNIAUDIT_SITE_WINDOW = 4           # page requests in flight per site; the rest wait in the priority frontier
MUNIAUDIT_SAMPLE_BYTES = 8192       # ranged GET of files linked as data, to confirm their format
MUNIAUDIT_SITEMAP_FILES = 5         # sitemap documents read per site (index + children)
MUNIAUDIT_SITEMAP_URLS = 2000       # sitemap URLs considered per site (the page budget still applies)
MUNIAUDIT_SITEMAP_MAXSIZE = 10 * 1024 * 1024
MUNIAUDIT_TLS_CHECK = True          # verify each https host's certificate once; failures recorded as tls_invalid
MUNIAUDIT_WARC = True               # archive every HTML page read as WARC (crawler/archive.py, docs/crawling.md)
MUNIAUDIT_WARC_DIR = None           # folder for run-<id>.warc.gz; None = warc/ beside the SQLite file (or ./warc)
MUNIAUDIT_WARC_RECORD_MAX = 2 * 1024 * 1024    # payload bytes per record; longer ones are cut (WARC-Truncated)
MUNIAUDIT_WARC_SITE_MAX = 64 * 1024 * 1024     # payload bytes per site and run; later pages are not archived
MUNIAUDIT_SCREENSHOTS = True        # keep a PNG screenshot (viewport) of each browser-rendered page in the WARC
MUNIAUDIT_SCREENSHOT_MAX = 1024 * 1024         # a larger screenshot is not kept
MUNIAUDIT_PLATFORM_APIS = True     # ask a detected platform's API seeds (crawler.apis, crawler.platforms)
MUNIAUDIT_EXTRACT = True           # False: fetch and record pages only (benchmarks, archive-only runs)
MUNIAUDIT_EXTRACT_WORKERS = -1      # signal extraction processes; -1 = cpu count - 1 (max 4), 0 = in the reactor
EXTENSIONS = {
    "crawler.extensions.RunStats": 500,                    # per-site outcomes and faults in the crawl's stats
}
