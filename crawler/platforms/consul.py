"""Consul Democracy (participation platform): generator meta or a link to the Consul project."""
from __future__ import annotations

import re

from crawler.extract.dom import Page
from crawler.extract.platform import generator_says, links_to
from crawler.platforms import Platform

_GENERATOR = re.compile(r"\bconsul\b", re.I)
_PROJECT_LINK = re.compile(r"github\.com/consul/consul|consulproject\.org|consuldemocracy", re.I)


def fingerprint(page: Page) -> bool:
    return generator_says(page, _GENERATOR) or links_to(page, _PROJECT_LINK)


PLATFORM = Platform("consul", fingerprint, participation=True, description="Consul Democracy participation platform")
