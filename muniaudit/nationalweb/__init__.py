"""A simulated national web: 2,478 synthetic municipal sites with known features, served on loopback.

    from muniaudit.nationalweb import serve_national_web, expected_statuses
"""
from muniaudit.nationalweb.generator import SitePlan, national_plans, plan_site, render
from muniaudit.nationalweb.server import NationalWeb, serve_national_web
from muniaudit.nationalweb.truth import AUTO_CRITERIA, Accuracy, compare, expected_statuses, site_facts

__all__ = ["AUTO_CRITERIA", "Accuracy", "NationalWeb", "SitePlan", "compare", "expected_statuses",
           "national_plans", "plan_site", "render", "serve_national_web", "site_facts"]
