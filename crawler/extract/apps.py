"""Store links to the organisation's mobile apps (mobile_app)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from crawler.extract import urls
from crawler.extract.dom import Link, Page
from crawler.extract.grading import CONFIRMED, REFERENCE, UNCONFIRMED, grade, placement_confidence
from crawler.extract.ownership import Owner, names_municipality
from crawler.extract.registry import as_extraction, extractor
from crawler.extract.sections import locate
from crawler.extract.text import fold
from crawler.extract.types import Diagnostic, Extraction, Signal

KIND = "mobile_app"
_APPLE_ID = re.compile(r"^id(\d{5,})$")


def store_app(url: str) -> tuple[str, str] | None:
    """(store, app id) for a Google Play or App Store app page, else None."""
    host = urls.bare_host(urls.host_of(url))
    segments = urls.path_segments(url)
    if host == "play.google.com" and segments[:3] == ["store", "apps", "details"]:
        app_id = (parse_qs(urlsplit(url).query).get("id") or [""])[0]
        return ("google_play", app_id) if app_id else None
    if host in ("apps.apple.com", "itunes.apple.com"):
        for segment in reversed(segments):
            match = _APPLE_ID.match(segment)
            if match:
                return "app_store", "id" + match.group(1)
    return None


_OUR_APP = re.compile(r"\b(nuestra app|nuestra aplicacion|app (del|de la) (municipio|ayuntamiento|gobierno|ciudad)|"
                      r"aplicacion (del|de la) (municipio|ayuntamiento|gobierno)|app (municipal|ciudadana|oficial)|"
                      r"aplicacion (municipal|ciudadana|oficial))\b")


def store_slug(url: str) -> str:
    """The app's name as the App Store writes it in the URL (/mx/app/<slug>/id123), '' when absent."""
    segments = urls.path_segments(url)
    if "app" in segments:
        rest = segments[segments.index("app") + 1:]
        if len(rest) >= 2:
            return rest[0]
    return ""


def ownership(app_id: str, slug: str, label: str, context: str, owner: Owner | None) -> tuple[str, float, str]:
    """(status, confidence, reason): is the app the municipality's? Its id, its store name or the badge's own
    label naming the municipality decide; so does the site calling it its own ("nuestra app", "la app del
    municipio"). Prose that merely names the town beside a badge only proposes it to a person (a sponsor strip
    says "<town> is part of <brand>"); an app nothing ties to the municipality is a third party's."""
    if names_municipality(f"{app_id} {slug}", owner) or _id_matches_domain(app_id, owner):
        return CONFIRMED, 0.9, "app_id_names_municipality"
    if names_municipality(label, owner):
        return CONFIRMED, 0.8, "label_names_municipality"
    if _OUR_APP.search(fold(f"{label} {context}")):
        return CONFIRMED, 0.75, "presented_as_own"
    if names_municipality(context, owner):
        return UNCONFIRMED, 0.6, "named_in_context"
    return REFERENCE, 0.0, "third_party_app"


def _id_matches_domain(app_id: str, owner: Owner | None) -> bool:
    """'mx.gob.valladolid.ciudadano' is published under valladolid.gob.mx."""
    if owner is None or not app_id:
        return False
    reversed_domains = {".".join(reversed(d.split("."))) for d in owner.domains if "." in d}
    return any(app_id.lower().startswith(r + ".") or app_id.lower() == r for r in reversed_domains)


def extract(page: Page) -> tuple[list[Signal], list[Diagnostic]]:
    """Visible links to app-store pages (links inside comments are never parsed), with whose app each is."""
    signals: list[Signal] = []
    diagnostics: list[Diagnostic] = []
    found: list[tuple[Link, str, str, tuple[str, float, str]]] = []
    for link in page.links:
        if link.url is None:
            continue
        app = store_app(link.url)
        if not app:
            host = urls.bare_host(urls.host_of(link.url))
            if host in ("play.google.com", "apps.apple.com", "itunes.apple.com"):
                diagnostics.append(Diagnostic(KIND, link.raw or "", page.ctx.url, "not_app_page"))
            continue
        store, app_id = app
        verdict = ownership(app_id if store == "google_play" else "", store_slug(link.url), link.label,
                            f"{_caption(page, link.el)} {_block_text(page, link.el)}", page.owner)
        found.append((link, store, app_id, verdict))
    own_blocks = {id(_badge_block(link.el)) for link, _, _, (status, _, _) in found if status == CONFIRMED}
    for link, store, app_id, (status, confidence, reason) in found:
        if status != CONFIRMED and id(_badge_block(link.el)) in own_blocks:
            # the other store's badge beside the municipality's own app is the same app
            status, confidence, reason = CONFIRMED, 0.85, "beside_own_app"
        if status == REFERENCE:
            diagnostics.append(Diagnostic(KIND, link.url or "", page.ctx.url, reason,
                                          {"store": store, "app_id": app_id}))
            continue
        data = {"store": store, "app_id": app_id, "identity": f"{store}:{app_id}"}
        placement = locate(page, link.el, data)
        grade(data, status, min(confidence, placement_confidence(placement.region) + 0.1), reason,
              "link_in_" + placement.region)
        signals.append(Signal(KIND, urls.without_fragment(link.url or ""), page.ctx.url, page.ctx.is_home, data,
                              link.label[:120]))
    return signals, diagnostics


def _badge_block(el):
    """The element that holds a store badge and its siblings (the badges of one app sit side by side)."""
    parent = el.getparent()
    while parent is not None and parent.tag in ("span", "p", "li", "figure", "picture"):
        parent = parent.getparent()
    return parent


def _caption(page: Page, el) -> str:
    """The heading a badge sits under ("La app del municipio"), the way a reader takes it in."""
    heading = page.index.previous(el, ("h1", "h2", "h3", "h4", "h5", "h6"))
    return page.text_of(heading) if heading is not None else ""


def _block_text(page: Page, el) -> str:
    """Text of the small block around a store badge (its caption: 'Descarga la app de …')."""
    for depth, parent in enumerate(el.iterancestors()):
        if depth > 3 or parent.tag in ("body", "html"):
            break
        text = page.text_of(parent)
        if len(text) > 300:
            break
        if len(text) > len(page.text_of(el)) + 3:
            return text
    return ""


@extractor("apps", order=30, kinds=(KIND,))
def page_apps(page: Page) -> Extraction:
    """Mobile apps in the stores."""
    return as_extraction(extract(page))
