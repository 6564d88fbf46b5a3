"""A web of mangled pages (seeded mutations of the sample web) is crawled to the end without a spider error.

Every page is a sample page with junk inserted and spans cut (broken tags, impossible URLs and ports, an
unparsable <base href>, NUL bytes, lone surrogates, lying charsets), plus links to more such pages.
"""
import http.server
import random
import socketserver
import sys
import threading
import zlib
from pathlib import Path

from benchmarks.scratch import crawl_sites
from crawler.runner import CrawlOptions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_extract_fuzz import PAGES, mutate  # noqa: E402

CHARSETS = ["text/html", "text/html; charset=utf-8", "text/html; charset=\x01x", "text/html; charset=latin-1"]


class MangledWeb(http.server.BaseHTTPRequestHandler):
    seed = 0

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:   # noqa: N802 (http.server's name)
        rng = random.Random(zlib.crc32(f"{self.seed}:{self.path}".encode()))
        body = mutate(PAGES[rng.randrange(len(PAGES))].read_text(encoding="utf-8"), rng)
        body += "".join(f"<a href='/p{rng.randrange(60)}.html'>p</a>" for _ in range(8))
        data = body.encode("utf-8", "surrogatepass")
        self.send_response(200)
        self.send_header("Content-Type", rng.choice(CHARSETS))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def test_a_mangled_web_is_crawled_without_spider_errors():
    handler = type("Seeded", (MangledWeb,), {"seed": 3})
    server = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        results = crawl_sites({"mangled": url}, CrawlOptions(allow_private=True, render="never", page_budget=40,
                                                             settings={"LOG_LEVEL": "ERROR", "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}), timeout=200)
    finally:
        server.shutdown()
        server.server_close()
    stats = results.run_stats["crawls"][-1]
    site = results["mangled"]
    assert results.returncode == 0
    assert not any(k.startswith("spider_exceptions") for k in stats), stats
    assert site.status in ("ok", "partial") and len(site.pages) >= 40
    # every failure has a name of its own: none fell through to a Python exception's class name
    assert not {"valueerror", "internal_error", "extraction_error"} & set(site.facts["faults"]), site.facts["faults"]
