"""Section links: open data, transparency, participation, report tools, evaluations; search forms."""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from crawler.extract import keywords, urls
from crawler.extract.datasets import DOCUMENT_FORMATS, FILE_FORMATS
from crawler.extract.dom import Element, Link, Page, class_names, first_below
from crawler.extract.grading import CANDIDATE, CONFIRMED, REFERENCE, grade, placement_confidence
from crawler.extract.ownership import OWN, url_ownership
from crawler.extract.pagekind import is_data_section, url_words
from crawler.extract.placement import Placement
from crawler.extract.registry import as_extraction, extractor
from crawler.extract.roles import ARTICLE, ERROR, LISTING, PERSON
from crawler.extract.text import fold, has_fuzzy_word, squash
from crawler.extract.types import Diagnostic, Extraction, Signal

# Pages whose body is somebody's text: links in their content are references, not the site's offer.
CONTENT_ROLES = frozenset({ARTICLE, LISTING, PERSON, ERROR})


def locate(page: Page, el: Element, data: dict) -> Placement:
    """Record where the element sits and what its page is in a detection's data; returns the placement."""
    placement = page.placement(el)
    data["placement"] = placement.describe()
    data["source_role"] = page.role.role
    return placement


def offered(page: Page, el: Element) -> bool:
    """Does the site offer what this element points at? Not when it sits in an article's body, a byline,
    comments, related posts or a person's card, nor in the content of an article, listing or person page."""
    placement = page.placement(el)
    return not (placement.is_reference or (placement.zone == "content" and page.role.role in CONTENT_ROLES))


def graded_tool(page: Page, el: Element, data: dict) -> dict:
    """data of a tool found at el, with its placement, the page's role, status and confidence."""
    placement = locate(page, el, data)
    return grade(data, CONFIRMED, placement_confidence(placement.region), "link_in_" + placement.region)

IMAGE_EXTS = frozenset({"jpg", "jpeg", "png", "gif", "webp", "svg", "bmp", "tif", "tiff", "ico"})
SEARCH_NAMES = frozenset({"q", "s", "buscar", "search", "query", "busqueda", "keywords", "keys", "term", "k"})


# ---------------------------------------------------------------------------------------------- link targets


def real_target(page: Page, link: Link) -> bool:
    """True if the link leads to another page: not '#', empty, javascript:, an in-page anchor or a file."""
    if link.dead or link.url is None or page.is_same_page(link.url):
        return False
    if urls.href_scheme(link.url) not in ("http", "https"):
        return False
    ext = urls.file_extension(link.url)
    return ext not in FILE_FORMATS and ext not in DOCUMENT_FORMATS and ext not in IMAGE_EXTS


# Compiled once: portal_of and transparency_target run for every link of every page.
_SOCRATA_ID = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}$")
_DATA_HOST = re.compile(r"^(www\.)?(datos|datosabiertos|opendata|data|catalogo|catalogodatos)[.-]")
_STATE_PORTAL_HOST = re.compile(r"transparencia|infomex|saimex|ipomex|sisai|itai|infoem|iaip")


@lru_cache(maxsize=8192)
def portal_of(url: str) -> str | None:
    """Open-data portal software recognisable from the URL, else None (asked of every link: remembered)."""
    host = urls.host_of(url)
    path = urls.path_segments(url)
    first = path[0].lower() if path else ""
    if urls.host_matches(host, "datos.gob.mx"):
        return "datos_gob_mx"
    if host.endswith((".hub.arcgis.com", ".opendata.arcgis.com")) or "hub.arcgis.com" == host:
        return "arcgis_hub"
    if host.endswith(".socrata.com") or _SOCRATA_ID.match(path[1] if len(path) > 1 else "") \
            and first in ("resource", "d"):
        return "socrata"
    if "dkan" in host or first == "dkan":
        return "dkan"
    if "ckan" in host or (first in ("dataset", "organization", "group") and _data_host(host)) or \
            "/api/3/action" in url:
        return "ckan"
    return None


def _data_host(host: str) -> bool:
    """Hosts named like a data portal (datos.*, datosabiertos.*, opendata.*, data.*)."""
    return bool(_DATA_HOST.match(host))


def transparency_target(page: Page, url: str) -> str:
    """site, pnt, sipot or state_portal for a transparency link."""
    target = _target_by_url(url)
    return "site" if target == "state_portal" and page.is_own(url) else target


@lru_cache(maxsize=8192)
def _target_by_url(url: str) -> str:
    """transparency_target by the URL alone (asked of every link: remembered); a "state_portal" host of the
    site itself is the site's."""
    host = urls.host_of(url)
    low = url.lower()
    if "sipot" in low or "consultapublicamx" in host:
        return "sipot"
    if urls.host_matches(host, "plataformadetransparencia.org.mx") or urls.host_matches(host, "infomex.org.mx"):
        return "pnt"
    if _STATE_PORTAL_HOST.search(host):
        return "state_portal"
    return "site"


def _link_words(link: Link) -> str:
    """Folded label of a link plus its URL's last segment words."""
    return link.folded_label


def _section_identity(page: Page, kind: str, url: str, target: str | None) -> str | None:
    """External portals count once per host; internal sections once per URL."""
    if not page.is_own(url) and target in ("pnt", "sipot", "state_portal", "portal"):
        return f"{kind}:{target}:{urls.bare_host(urls.host_of(url))}"
    return None


def _signal(page: Page, kind: str, link: Link, data: dict, identity: str | None = None) -> Signal:
    """Section signal for a link."""
    url = urls.without_fragment(link.url or "")
    if identity:
        data["identity"] = identity
    return Signal(kind, url, page.ctx.url, page.ctx.is_home, data, squash(link.label)[:120])


# ---------------------------------------------------------------------------------------------- proposals


def _proposal(page: Page, kind: str, link: Link, data: dict) -> tuple[Signal | None, Diagnostic | None]:
    """Grade a link that proposes a section: a reference in content is a diagnostic, an off-site target is
    judged by its ownership, an own page is a candidate the site-level step confirms by the page itself."""
    placement = locate(page, link.el, data)
    url = link.url or ""
    if not offered(page, link.el):
        return None, Diagnostic(kind, url, page.ctx.url, "in_content",
                                {"label": link.label[:80], "placement": placement.describe(),
                                 "source_role": page.role.role})
    confidence = placement_confidence(placement.region)
    reason = "link_in_" + placement.region
    if page.is_own(url):
        data["owner"] = OWN
        return _signal(page, kind, link, grade(data, CANDIDATE, confidence, reason)), None
    owned = url_ownership(url, page.ctx.site_hosts, page.owner)
    data["owner"], data["ownership"] = owned.owner, owned.reason
    return _signal(page, kind, link, grade(data, CONFIRMED if owned.own else REFERENCE, confidence, reason,
                                           owned.reason)), None


def _collect(page: Page, kind: str, link: Link, data: dict, identity: str | None,
             signals: list[Signal], diagnostics: list[Diagnostic]) -> None:
    if identity:
        data["identity"] = identity
    signal, diagnostic = _proposal(page, kind, link, data)
    if signal is not None:
        signals.append(signal)
    if diagnostic is not None:
        diagnostics.append(diagnostic)


# ---------------------------------------------------------------------------------------------- open data


def open_data_sections(page: Page) -> tuple[list[Signal], list[Diagnostic]]:
    """Links that propose open-data / proactive-transparency sections and data portals."""
    signals: list[Signal] = []
    diagnostics: list[Diagnostic] = []
    for link in page.links:
        text = _link_words(link)
        said = bool(keywords.OPEN_DATA.search(text))
        portal = portal_of(link.url) if link.url else None
        by_url = bool(link.url and keywords.OPEN_DATA_URL.search(url_words(link.url)))
        if not (said or portal or by_url):
            continue
        if not real_target(page, link):
            if said:
                diagnostics.append(Diagnostic("open_data_section", link.raw or "", page.ctx.url, "no_target",
                                              {"label": link.label[:80]}))
            continue
        external = not page.is_own(link.url)
        data = {"label": link.label[:120], "external": external, "portal": portal, "depth": page.ctx.depth}
        identity = f"open_data_section:portal:{urls.bare_host(urls.host_of(link.url))}" if portal and external else None
        _collect(page, "open_data_section", link, data, identity, signals, diagnostics)
    return signals, diagnostics


# ---------------------------------------------------------------------------------------------- transparency


@lru_cache(maxsize=8192)
def _says_transparency(text: str) -> bool:
    """Legal-obligation transparency vocabulary (typo-tolerant for 'transparencia'). Remembered per text: a
    site's menu labels come back on every page, and the typo test reads every word."""
    return bool(keywords.TRANSPARENCY.search(text)) or has_fuzzy_word(text, ["transparencia"])


def transparency_sections(page: Page) -> tuple[list[Signal], list[Diagnostic]]:
    """Links that propose legal-obligation transparency pages, PNT, SIPOT and state portals."""
    signals: list[Signal] = []
    diagnostics: list[Diagnostic] = []
    for link in page.links:
        text = _link_words(link)
        if keywords.OPEN_DATA.search(text):
            continue  # proactive / focalised transparency is open data
        said = _says_transparency(text)
        target = transparency_target(page, link.url) if link.url else "site"
        own = page.is_own(link.url)
        by_url = bool(link.url and own and (keywords.TRANSPARENCY_URL.search(url_words(link.url))
                                            or has_fuzzy_word(url_words(link.url), ["transparencia"])))
        portal = target != "site"
        if not (said or by_url or portal):
            continue
        if not real_target(page, link):
            if said:
                diagnostics.append(Diagnostic("transparency_section", link.raw or "", page.ctx.url, "no_target",
                                              {"label": link.label[:80]}))
            continue
        if not own and not portal and (not said or keywords.LAW_TITLE.search(text)):
            continue  # an outside page about a law, not a section of this site
        if keywords.OBLIGATION_ROW.search(text):
            continue  # a row of an obligations table links evidence, it is not a section
        data = {"label": link.label[:120], "external": not own, "target": target}
        identity = _section_identity(page, "transparency_section", link.url or "", target)
        before = len(signals)
        _collect(page, "transparency_section", link, data, identity, signals, diagnostics)
        if len(signals) > before and portal and not own:
            _national_or_state_portal(page, signals[-1])
    return signals, diagnostics


def _national_or_state_portal(page: Page, signal: Signal) -> None:
    """PNT, SIPOT and the state's own portal are where a municipality publishes its obligations: from the
    site's navigation they are its transparency section, though another body runs them. Another state's
    portal stays a reference."""
    data = signal.data
    if data.get("status") == REFERENCE and data.get("ownership") != "other_state":
        grade(data, CONFIRMED, data.get("confidence", 0.0) - 0.05, "official_portal")


# ---------------------------------------------------------------------------------------------- participation


@lru_cache(maxsize=8192)
def participation_type(text: str) -> str | None:
    """Participation type named by folded text, else None (remembered per text: menu labels repeat)."""
    for name, pattern in keywords.PARTICIPATION_TYPES:
        if pattern.search(text):
            return name
    return None


def participation(page: Page, platform: str | None) -> list[Signal]:
    """Links to participation mechanisms (by text or as a participation submenu item); Decidim/Consul."""
    signals = []
    for link in page.links:
        if not real_target(page, link) or not offered(page, link.el):
            continue
        own = page.is_own(link.url)
        # Off-site links count by their visible words only: icon titles on outside maps are captions.
        text = fold(link.label if own else link.text)
        kind = participation_type(text)
        link_platform = _participation_platform(link.url or "")
        in_menu = own and _under_participation_menu(page, link)
        if kind is None and not link_platform and not in_menu:
            continue
        if keywords.OBLIGATION_ROW.search(text):
            continue
        data = graded_tool(page, link.el, {"type": kind or "general", "platform": link_platform})
        signals.append(_signal(page, "participation", link, data))
    if platform in ("decidim", "consul"):
        data = {"type": "general", "platform": platform, "identity": f"participation:platform:{platform}"}
        signals.append(Signal("participation", page.ctx.url, page.ctx.url, page.ctx.is_home, data, platform))
    return signals


def _under_participation_menu(page: Page, link: Link) -> bool:
    """True if the link sits in the submenu of a menu item labelled as participation."""
    items = list(link.el.iterancestors("li"))[:3]
    for item in items:
        parent_link = next(item.iterchildren("a"), None)
        if parent_link is None or parent_link is link.el:
            continue
        if page.memo(("sections.participation_item", id(parent_link)),
                     lambda a=parent_link: participation_type(fold(page.text_of(a)))) is not None:
            return True
    return False


def _participation_platform(url: str) -> str | None:
    """decidim / consul when the link goes to such a platform."""
    host = urls.host_of(url)
    if "decidim" in host:
        return "decidim"
    if "consul" in host and "consulta" not in host:
        return "consul"
    return None


# ---------------------------------------------------------------------------------------------- report / evaluation


@lru_cache(maxsize=8192)
def _classify(text: str, table) -> str | None:
    """First type in a (name, pattern) table that matches (remembered per text and table: menu labels
    repeat on every page)."""
    for name, pattern in table:
        if pattern.search(text):
            return name
    return None


def _typed_links(page: Page, kind: str, table) -> list[Signal]:
    """Links whose words match a (type, pattern) table, to a real target, outside legal-obligation rows."""
    signals = []
    for link in page.links:
        text = _link_words(link)
        found = _classify(text, table)
        if found and real_target(page, link) and offered(page, link.el) and not keywords.OBLIGATION_ROW.search(text):
            signals.append(_signal(page, kind, link, graded_tool(page, link.el, {"type": found})))
    return signals


def citizen_report_tools(page: Page) -> list[Signal]:
    """Links and working forms for complaints, reports and suggestions."""
    signals = _typed_links(page, "citizen_report_tool", keywords.REPORT_TOOL)
    for form, action in working_forms(page):
        context = _form_context(page, form)
        has_file = first_below(form, "input", "file") is not None
        kind = _classify(context, keywords.REPORT_TOOL)
        if kind or (has_file and first_below(form, "textarea") is not None):
            data = {"type": "upload" if has_file else ("mailbox" if kind == "mailbox" else "form"),
                    "identity": f"citizen_report_tool:form:{action}"}
            signals.append(Signal("citizen_report_tool", action, page.ctx.url, page.ctx.is_home, data,
                                  context[:120]))
    return signals


def citizen_evaluations(page: Page) -> list[Signal]:
    """Links to satisfaction surveys / service evaluations, and survey forms."""
    signals = _typed_links(page, "citizen_evaluation", keywords.EVALUATION)
    for form, action in working_forms(page):
        context = _form_context(page, form)
        kind = _classify(context, keywords.EVALUATION)
        radios = sum(1 for i in form.iterdescendants("input") if i.get("type") == "radio")
        if kind and (radios >= 2 or first_below(form, "select") is not None):
            data = {"type": kind, "identity": f"citizen_evaluation:form:{action}"}
            signals.append(Signal("citizen_evaluation", action, page.ctx.url, page.ctx.is_home, data, context[:120]))
    return signals


def working_forms(page: Page) -> Iterator[tuple[Element, str]]:
    """(form, resolved action) for forms that submit somewhere real (not '#' or javascript:)."""
    for form in page.find_all("form"):
        raw = form.get("action")
        if raw is not None and urls.is_placeholder(raw) and urls.clean_href(raw) != "":
            continue
        action = page.resolve(raw) if raw and urls.clean_href(raw) else page.ctx.url
        if action is None or urls.href_scheme(action) not in ("http", "https"):
            continue
        yield form, urls.without_fragment(action)


def _form_context(page: Page, form: Element) -> str:
    """Folded text that describes a form: its legend/headings/labels, else the nearest heading before it."""
    own = [next(form.iterdescendants("legend", "h1", "h2", "h3", "h4", "h5"), None)]
    heading = page.index.previous(form, ("h1", "h2", "h3", "h4", "h5", "legend"))
    texts = [page.text_of(t) for t in own + [heading] if t is not None]
    texts += [form.get("id") or "", form.get("name") or "", class_names(form)]
    texts += [page.text_of(b) for b in form.iterdescendants("button", "label")]
    texts += [i.get("value") or "" for i in form.iterdescendants("input") if i.get("type") == "submit"]
    return fold(" ".join(texts))


# ---------------------------------------------------------------------------------------------- search


def search_tools(page: Page) -> tuple[list[Signal], list[Diagnostic]]:
    """Site-search forms: an input type=search or a search-named field."""
    signals, diagnostics = [], []
    for form in page.find_all("form"):
        field = first_below(form, "input", "search")
        field = field if field is not None else next(
            (i for i in form.iterdescendants("input") if (i.get("name") or "").lower() in SEARCH_NAMES
             and (i.get("type") or "text").lower() in ("text", "search")), None)
        if field is None:
            continue
        raw = form.get("action")
        clean = urls.clean_href(raw) if raw is not None else ""
        scripted = bool(form.get("onsubmit")) or urls.href_scheme(clean) == "javascript"
        if clean and urls.is_placeholder(raw) and not scripted:
            diagnostics.append(Diagnostic("search_tool", raw or "", page.ctx.url, "placeholder"))
            continue
        action = page.resolve(raw) if clean and not scripted else page.ctx.url
        action = urls.without_fragment(action or page.ctx.url)
        dynamic = scripted or action == urls.without_fragment(page.ctx.url)
        scope = "data_section" if is_data_section(page) else "site"
        name = (field.get("name") or field.get("id") or "q").lower()
        identity = f"search_tool:{scope}:" + (f"dynamic:{name}" if dynamic else action)
        data = {"scope": scope, "dynamic": dynamic, "action": action, "identity": identity}
        signals.append(Signal("search_tool", action, page.ctx.url, page.ctx.is_home, data,
                              (field.get("placeholder") or "")[:120]))
    return signals, diagnostics


@extractor("open_data_sections", order=40, kinds=("open_data_section",))
def page_open_data_sections(page: Page) -> Extraction:
    return as_extraction(open_data_sections(page))


@extractor("transparency_sections", order=50, kinds=("transparency_section",))
def page_transparency_sections(page: Page) -> Extraction:
    return as_extraction(transparency_sections(page))


@extractor("participation", order=60, kinds=("participation",))
def page_participation(page: Page) -> Extraction:
    """Participation mechanisms, tagged with the participation platform the page runs on (Decidim, Consul)."""
    from crawler.platforms import participation_platform

    return as_extraction(participation(page, participation_platform(page)))


@extractor("citizen_report_tools", order=70, kinds=("citizen_report_tool",))
def page_citizen_report_tools(page: Page) -> Extraction:
    return as_extraction(citizen_report_tools(page))


@extractor("citizen_evaluations", order=80, kinds=("citizen_evaluation",))
def page_citizen_evaluations(page: Page) -> Extraction:
    return as_extraction(citizen_evaluations(page))


@extractor("search_tools", order=90, kinds=("search_tool",))
def page_search_tools(page: Page) -> Extraction:
    return as_extraction(search_tools(page))
