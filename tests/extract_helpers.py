"""Helpers for building pages and contexts in extraction tests (kept with the tests, not shipped in the package)."""
from crawler.extract import extract_page
from crawler.extract.types import PageContext, Signal

HOME = "https://www.municipio.gob.mx/"


def ctx(url: str = HOME, home: bool = True, depth: int = 0) -> PageContext:
    """Context of a page on the test municipality's site."""
    return PageContext(url=url, site_hosts=frozenset({"www.municipio.gob.mx", "municipio.gob.mx"}),
                       is_home=home, depth=depth)


def page(body: str, head: str = "", title: str = "Municipio") -> str:
    """A minimal HTML document."""
    return f"<!doctype html><html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def signals_of(html: str, kind: str, context=None, headers=None) -> list[Signal]:
    """Signals of one kind extracted from html."""
    return [s for s in extract_page(html, context or ctx(), headers).signals if s.kind == kind]


def reasons_of(html: str, kind: str, context=None) -> list[str]:
    """Diagnostic reasons of one kind."""
    return [d.reason for d in extract_page(html, context or ctx()).diagnostics if d.kind == kind]
