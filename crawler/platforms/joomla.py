"""Joomla: generator meta or Joomla's own media and component paths."""
from __future__ import annotations

import re

from crawler.extract.dom import Page
from crawler.extract.platform import generator_says, serves_own
from crawler.platforms import Platform

_GENERATOR = re.compile(r"joomla", re.I)
_OWN_PATHS = ("/media/jui/", "/media/system/js/", "/components/com_", "/templates/system/")


def fingerprint(page: Page) -> bool:
    return generator_says(page, _GENERATOR) or serves_own(page, _OWN_PATHS)


PLATFORM = Platform("joomla", fingerprint, description="Joomla CMS")
