"""Decidim (participation platform): generator or decidim meta, body class, data-decidim attributes, or a
link to the Decidim project beside /processes links."""
from __future__ import annotations

import re

from crawler.extract.dom import Page
from crawler.extract.platform import any_href, body_classes, generator_says, has_attribute, links_to, matches
from crawler.platforms import Platform

_GENERATOR = re.compile(r"decidim", re.I)
_CLASS = re.compile(r"\bdecidim\b", re.I)
_META = re.compile("^decidim", re.I)
_PROJECT_LINK = re.compile(r"github\.com/decidim/decidim|decidim\.org", re.I)
_PROCESSES = re.compile(r"/processes(/|$)")


def fingerprint(page: Page) -> bool:
    return (generator_says(page, _GENERATOR) or bool(_CLASS.search(body_classes(page)))
            or any(matches(m, "name", _META) for m in page.find_all("meta")) or has_attribute(page, "data-decidim")
            or (links_to(page, _PROJECT_LINK) and any_href(page, _PROCESSES)))


PLATFORM = Platform("decidim", fingerprint, participation=True, description="Decidim participation platform")
