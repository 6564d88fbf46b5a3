"""Scrapy project for muniaudit: the portal spider, middlewares, pipelines and pure extraction functions.

Importing this package must not import Scrapy: `crawler.extract` is used by tests and benchmarks on its own.
"""
