"""Drupal: generator meta, Drupal's own asset paths, data-drupal-* attributes."""
from __future__ import annotations

import re

from crawler.extract.dom import Page
from crawler.extract.platform import generator_says, has_attribute, html_attributes, serves_own
from crawler.platforms import Platform

_GENERATOR = re.compile(r"drupal", re.I)
_OWN_PATHS = ("/sites/default/files/", "/core/misc/drupal.js", "/misc/drupal.js", "/core/themes/")


def fingerprint(page: Page) -> bool:
    return (generator_says(page, _GENERATOR) or serves_own(page, _OWN_PATHS)
            or has_attribute(page, "data-drupal-selector") or "drupal" in html_attributes(page).lower())


PLATFORM = Platform("drupal", fingerprint, description="Drupal CMS")
