"""Site builders and front-end stacks recorded as the site's platform; they offer no API worth a seed."""
from __future__ import annotations

import re

from crawler.extract.dom import Page
from crawler.extract.platform import generator_says, has_attribute
from crawler.platforms import Platform


def _generator(pattern: str):
    compiled = re.compile(pattern, re.I)
    return lambda page: generator_says(page, compiled)


def _next_data(page: Page) -> bool:
    return any(t.get("id") == "__NEXT_DATA__" for t in page.find_all("script"))


_ASTRO = _generator(r"^astro\b")
_NEXT = _generator(r"^next\.js\b")

PLATFORMS = (
    Platform("wix", _generator(r"wix\.com"), description="Wix site builder"),
    Platform("squarespace", _generator(r"squarespace"), description="Squarespace site builder"),
    Platform("astro", lambda page: _ASTRO(page) or page.find("astro-island") is not None, description="Astro"),
    Platform("gatsby", _generator(r"^gatsby\b"), description="Gatsby"),
    Platform("hugo", _generator(r"^hugo\b"), description="Hugo"),
    Platform("nextjs", lambda page: _NEXT(page) or _next_data(page), description="Next.js"),
    Platform("react", lambda page: _next_data(page) or has_attribute(page, "data-reactroot"), description="React"),
)
