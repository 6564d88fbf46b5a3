"""Pure extraction: HTML + PageContext -> Extraction(signals, diagnostics, page). No Scrapy, no DB, no network."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.extract.dom import Page, parse
from crawler.extract.site import finalize_site
from crawler.extract.types import SIGNAL_KINDS, Diagnostic, Extraction, PageContext, Signal

__all__ = ["extract_page", "extract_parsed", "finalize_site", "page_facts", "Extraction", "PageContext", "Signal", "Diagnostic",
           "SIGNAL_KINDS"]


def extract_page(html: str | bytes, ctx: PageContext, headers: Mapping[str, str] | None = None) -> Extraction:
    """All signals and rejected look-alikes of one HTML page, and what the page is (the spider calls this once
    per page). Every registered extractor (crawler.extract.registry) runs on the parsed page, in order."""
    return extract_parsed(parse(html, ctx, headers))


def extract_parsed(page: Page) -> Extraction:
    """extract_page on a page already parsed (crawler.pool.read_page parses once for signals and links)."""
    from crawler.extract.limits import cap_page
    from crawler.extract.registry import extractors
    from crawler.extract.roles import ERROR

    ctx = page.ctx
    out = Extraction(page=page_facts(page))
    if page.role.role == ERROR:
        # an error page's menu is the site's template seen from a wrong address: it offers nothing
        out.diagnostics.append(Diagnostic("page", ctx.url, ctx.url, "error_page", {"rule": page.role.rule}))
        return out
    for registered in extractors():
        found = registered.fn(page)
        out.signals.extend(found.signals)
        out.diagnostics.extend(found.diagnostics)
    out.signals, cuts = cap_page(out.signals, ctx.url)
    out.diagnostics.extend(cuts)
    if page.links_cut:
        out.diagnostics.append(Diagnostic("limits", ctx.url, ctx.url, "links_cut",
                                          {"kept": len(page.links), "found": len(page.links) + page.links_cut}))
    return out


def page_facts(page: Page) -> dict[str, Any]:
    """What the page is, for the site-level step and the store: its role, the rule and features that decided
    it, and which section the page names itself as ('open_data', 'transparency' or '')."""
    from crawler.extract.pagekind import says_kind

    role = page.role
    features = {k: v for k, v in role.features.items() if k != "heading"}
    return {"url": page.ctx.url, "role": role.role, "rule": role.rule, "says": says_kind(page),
            "features": features}
