"""What a Scrapyd worker is told: settings as `-s KEY=VALUE` strings that Scrapy reads back as the same values."""
from __future__ import annotations

from scrapy.settings import Settings

from audit.loader import builtin_rubric_ids
from crawler.runner import CrawlOptions
from muniaudit.distributed import _settings_params
from muniaudit.service import steering_settings


def read_back(params: list[tuple[str, str]]) -> Settings:
    return Settings(dict(value.split("=", 1) for _, value in params))


def test_the_rubrics_that_steer_the_crawl_reach_the_worker_as_a_list():
    options = CrawlOptions(settings=steering_settings())
    settings = read_back(_settings_params(options, "postgresql://db/muniaudit"))
    assert settings.getlist("MUNIAUDIT_DECIDER_RUBRICS") == builtin_rubric_ids()
    assert settings.get("MUNIAUDIT_SITE_DECIDER") == "audit.decider.RubricDecider"


def test_an_unset_setting_is_not_sent():
    options = CrawlOptions(settings={"MUNIAUDIT_SITE_DECIDER": None})
    assert not any(v.startswith("MUNIAUDIT_SITE_DECIDER=") for _, v in _settings_params(options, "postgresql://db/m"))
