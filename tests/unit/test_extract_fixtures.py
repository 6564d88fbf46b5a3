"""Labelled HTML fixtures (tests/fixtures/extract) for kinds the real-site corpus barely covers."""
from pathlib import Path

import pytest
import yaml

from crawler.extract import extract_page
from crawler.extract.types import PageContext, Signal

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"
CASES = sorted(p.name[: -len(".expected.yaml")] for p in FIXTURES.glob("*.expected.yaml"))


def _matches(signal: Signal, expected: dict) -> bool:
    """Kind, identity/url and a subset of data agree."""
    if signal.kind != expected["kind"]:
        return False
    if "identity" in expected and signal.data.get("identity") != expected["identity"]:
        return False
    if "url" in expected and signal.url != expected["url"]:
        return False
    return all(signal.data.get(k) == v for k, v in (expected.get("data") or {}).items())


@pytest.mark.parametrize("name", CASES)
def test_fixture(name):
    spec = yaml.safe_load((FIXTURES / f"{name}.expected.yaml").read_text(encoding="utf-8"))
    ctx = PageContext(url=spec["url"], site_hosts=frozenset({spec["url"].split("/")[2]}),
                      is_home=spec.get("home", False), depth=spec.get("depth", 0))
    html = (FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    signals = extract_page(html, ctx, spec.get("headers")).signals
    for expected in spec.get("expect") or []:
        assert any(_matches(s, expected) for s in signals), f"{name}: missing {expected}"
    for kind, count in (spec.get("count") or {}).items():
        assert len({s.key() for s in signals if s.kind == kind}) == count, f"{name}: {kind} count"
    for kind in spec.get("absent") or []:
        assert not [s for s in signals if s.kind == kind], f"{name}: unexpected {kind}"


def test_fixtures_exist():
    assert {"apps", "decidim", "consul", "datos-abiertos", "encuesta"} <= set(CASES)
