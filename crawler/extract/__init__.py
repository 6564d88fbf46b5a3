"""Pure extraction: HTML + PageContext -> Extraction(signals, diagnostics). No Scrapy, no DB, no network."""
from __future__ import annotations

from collections.abc import Mapping

from crawler.extract.dom import parse
from crawler.extract.site import finalize_site
from crawler.extract.types import SIGNAL_KINDS, Diagnostic, Extraction, PageContext, Signal

__all__ = ["extract_page", "finalize_site", "Extraction", "PageContext", "Signal", "Diagnostic", "SIGNAL_KINDS"]


def extract_page(html: str | bytes, ctx: PageContext, headers: Mapping[str, str] | None = None) -> Extraction:
    """All signals and rejected look-alikes of one HTML page (the spider calls this once per page)."""
    from crawler.extract import apps, clarity, contact, datasets, dates, platform, sections, social, video
    from crawler.extract.pagekind import is_data_section

    page = parse(html, ctx, headers)
    out = Extraction()

    def add(result) -> None:
        signals, diagnostics = result if isinstance(result, tuple) else (result, [])
        out.signals.extend(signals)
        out.diagnostics.extend(diagnostics)

    in_data = is_data_section(page)
    platforms = platform.detect(page)
    add(social.extract(page))
    add(video.extract(page))
    add(apps.extract(page))
    add(sections.open_data_sections(page))
    add(sections.transparency_sections(page))
    add(sections.participation(page, next((p for p in platforms if p in ("decidim", "consul")), None)))
    add(sections.citizen_report_tools(page))
    add(sections.citizen_evaluations(page))
    add(sections.search_tools(page))
    add(datasets.extract(page, in_data))
    add(dates.extract(page, in_data))
    add(contact.extract(page))
    add(platform.extract(page))
    if in_data:
        add(clarity.clarity(page))
    add(clarity.responsive(page))
    return out
