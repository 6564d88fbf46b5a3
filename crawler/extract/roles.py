"""What a page *is*, from its own structure: home, hub, dataset listing, document list, article, listing, form,
person, error or an ordinary page.

A page *about* open data is not an open-data section: the difference is structural. An article has a byline, a
publication date and running text; a tag or category page repeats teasers and paginates; an author or staff page
is about people; an error page says so in its title or heading; a hub is mostly links to other pages; a document
or dataset list is mostly files. The role is decided from those features only (never from the words the site
used to link to the page), and the features that decided it are returned with it, so a reviewer can see why.

`classify(page)` is pure and runs once per page (Page.role caches it).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from crawler.extract import urls
from crawler.extract.datasets import DOCUMENT_FORMATS, FILE_FORMATS, is_machine_readable
from crawler.extract.dom import Page
from crawler.extract.placement import _said, _tokens
from crawler.extract.text import fold

HOME, HUB, DATASET_LISTING, DOCUMENT_LIST = "home", "hub", "dataset_listing", "document_list"
ARTICLE, LISTING, FORM, PERSON, ERROR, PAGE = "article", "listing", "form", "person", "error", "page"
ROLES = (HOME, HUB, DATASET_LISTING, DOCUMENT_LIST, ARTICLE, LISTING, FORM, PERSON, ERROR, PAGE)   # = export schema
# Roles whose page is never a section, whatever link words lead to it.
NOT_SECTION_ROLES = frozenset({HOME, ARTICLE, LISTING, PERSON, ERROR})

_ERROR_TITLE = re.compile(
    r"(?<![\w/])(404|403|410|500|502|503)(?![\w/])|no (se )?(ha )?(pudo )?encontr|not found|pagina no existe|"
    r"no existe la pagina|la pagina (que busca|solicitada) no|pagina no disponible|error( de)? (pagina|servidor)|"
    r"^error$|^error\b|oops|ups[,!]|page not found|nothing found|no se encontro (la )?pagina|contenido no encontrado")
_LISTING_TITLE = re.compile(
    r"^(etiqueta|categoria|archivos?( de)?|tag|category|archives?|resultados de (la )?busqueda|search results|"
    r"busqueda|autor|author)\b|: (etiqueta|categoria)$|\b(archivo|archivos) de\b")
_LISTING_SEGMENTS = frozenset({"tag", "tags", "etiqueta", "etiquetas", "category", "categoria", "categorias",
                               "categories", "archivo", "archivos", "archive", "archives", "page", "pagina",
                               "search", "buscar", "busqueda", "feed"})
_LISTING_BODY = re.compile(r"\b(archive|tag|category|search|search results|blog|paged|date|search no results)\b")
_AUTHOR_SEGMENTS = frozenset({"author", "autor", "autora", "authors", "autores"})
_POST_BODY = re.compile(r"\b(single post|single format \w+|postid \d+|single single post|post template default)\b")
# WordPress gives posts "type-post" and pages "type-page"; both get "hentry", so hentry alone says nothing.
_POST_ARTICLE = re.compile(r"\b(type post|post type post|format standard|status publish post|blog post|"
                           r"news item|noticia|nota)\b")
_PAGE_BODY = re.compile(r"\b(page template|page id \d+|type page|page template default)\b")
_DATE_CLASSES = re.compile(r"\b(date|fecha|published|posted on|entry date|post date|time|meta date|updated)\b")
_BYLINE = re.compile(r"(^|\s)(?i:por|by|autor|autora|escrito por|publicado por)\s*:?\s+[A-ZÁÉÍÓÚÑ][\wáéíóúñ.]+")
_PUBLISHED = re.compile(r"\b(publicad[oa] (el|en)|fecha de publicacion|posted on|publicado:)\b")
_DATED_PATH = re.compile(r"/(19|20)\d\d/(0?[1-9]|1[0-2])(/(0?[1-9]|[12]\d|3[01]))?/[^/]+")
_READ_MORE = re.compile(r"^(leer|ver|seguir leyendo|continuar leyendo|lee|read) (mas|more|nota|noticia|completo)")
_PAGINATION_TEXT = re.compile(r"^(siguiente|anterior|pagina siguiente|entradas (anteriores|siguientes)|"
                              r"noticias anteriores|older posts|newer posts|next|previous|[»«›‹]|\d{1,3})$")
_PAGINATION_CLASS = re.compile(r"\b(pagination|page numbers|nav links|pager|paginacion|paginador|wp pagenavi)\b")
CARGO = re.compile(r"\b(director|directora|regidor|regidora|sindic[oa]|tesorer[oa]|contralor[a]?|"
                    r"secretari[oa] (del ayuntamiento|general|particular|de)|coordinador[a]?|jef[ea] de|titular de|"
                    r"oficial mayor|encargad[oa] de|subdirector[a]?|president[ae] municipal)\b")
# A row of a legal-obligations list: "I. Normatividad", "Fracción XXVIII", "Artículo 70 fracción I".
_OBLIGATION_ROW = re.compile(r"^\s*((fracc?(ion)?\.?\s+)?[ivxlc]{1,7}\s*[.)\-–]\s+\w|fracc?(ion)?\.?\s+[ivxlc]{1,7}\b|"
                             r"art(iculo|\.)\s*\d+\s*(,\s*)?fracc?)")
_OBLIGATION_HINT = re.compile(r"\s*([ivxlcIVXLC]{1,7}\s*[.)\-–]|[Ff]racc|FRACC|[Aa]rt)")
# Periodic financial reporting: a selector of fiscal years or quarters (content loaded on demand).
_PERIOD_LABEL = re.compile(r"\b(ejercicio( fiscal)?|ano|anio|periodo|trimestre|trimestral(es)?|semestre|mes)\b")
_UNDER_CONSTRUCTION = re.compile(r"\b(en construccion|proximamente|under construction|coming soon|"
                                 r"en mantenimiento|sitio en desarrollo|pagina en desarrollo)\b")
# Types only a news post or blog post carries; plain "Article" (and og:type=article) are given to pages too by
# common SEO plug-ins, so they count only beside a byline or a date.
_POST_JSONLD = frozenset({"newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "liveblogposting"})
_MIN_ARTICLE_TEXT = 500
_END = 1 << 62
# Cheap pre-filter before folding a text run for office titles (most runs have none).
_CARGO_HINT = re.compile(r"direct|regid|s[ií]ndic|tesor|contral|secretar|coordin|jef[ea]|titular|oficial|encargad|"
                         r"president", re.I)
_CARGO_HINT_MIN = 4   # characters of the shortest word _CARGO_HINT matches (jefa, jefe)
_SAYS_NOTHING = frozenset({"a", "span", "i", "b", "em", "strong", "img", "br", "p", "td", "tr", "th", "option",
                           "svg", "path", "small", "label", "input", "button", "h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True)
class PageRole:
    """A page's role plus the features and the rule that decided it."""

    role: str
    rule: str
    features: dict[str, Any] = field(default_factory=dict)


def classify(page: Page) -> PageRole:
    """The role of a page, decided by the first rule that holds (most specific first)."""
    f = features(page)
    for role, rule, holds in _RULES:
        if holds(f):
            return PageRole(role, rule, f)
    return PageRole(PAGE, "default", f)


# -- rules (role, rule name, predicate on features), in order ------------------------------------------------

def _is_error(f: dict) -> bool:
    return f["error_title"] and f["main_text"] < 2500 and not f["home"]


def _is_person(f: dict) -> bool:
    return f["author_archive"] or (f["cargo_mentions"] >= 4 and f["person_cards"] >= 3 and f["files"] < 4)


def _is_listing(f: dict) -> bool:
    explicit = f["listing_markup"]
    repeated = f["teasers"] >= 3 and (f["pagination"] or f["dates"] >= 3)
    return (explicit and f["teasers"] + f["read_more"] >= 1) or repeated or (explicit and f["pagination"]) \
        or f["read_more"] >= 3


def _is_article(f: dict) -> bool:
    if f["page_markup"] and not f["post_markup"]:
        return False
    dated = f["byline"] or f["published"] or f["time_near_heading"] or f["dated_path"]
    if f["post_markup"] or (f["article_hint"] and dated):
        return f["files"] < 4 and f["data_files"] < 2      # a post that publishes files is a document list
    return dated and f["main_text"] >= _MIN_ARTICLE_TEXT and f["files"] < 4 and f["link_ratio"] < 0.35


def _is_dataset_listing(f: dict) -> bool:
    return f["data_files"] >= 3 or f["format_badges"] >= 3


def _is_document_list(f: dict) -> bool:
    return f["files"] >= 4 and f["files"] >= 0.3 * (f["files"] + f["main_links"])


def _is_form(f: dict) -> bool:
    return f["working_forms"] >= 1 and f["main_text"] < 2500 and f["main_links"] < 15


def _is_hub(f: dict) -> bool:
    return f["main_links"] + f["files"] >= 4 and (f["link_ratio"] >= 0.35 or f["main_text"] < 600)


def _is_obligation_list(f: dict) -> bool:
    return f["obligation_rows"] >= 5


_RULES = (
    (ERROR, "error_title", _is_error),
    (HOME, "entry_page", lambda f: f["home"]),
    (PERSON, "author_or_staff", _is_person),
    (LISTING, "teasers_or_archive", _is_listing),
    (ARTICLE, "post_markup_or_byline", _is_article),
    (HUB, "obligation_list", _is_obligation_list),
    (DATASET_LISTING, "data_files", _is_dataset_listing),
    (DOCUMENT_LIST, "file_links", _is_document_list),
    (FORM, "working_form", _is_form),
    (HUB, "mostly_links", _is_hub),
)


# -- features -----------------------------------------------------------------------------------------------

def features(page: Page) -> dict[str, Any]:
    """Structural features of a page (counts and flags, all JSON-safe)."""
    main = _main_region(page)
    # each of these is read by several features: computed once (the JSON-LD blocks are parsed only here)
    title, heading = fold(page.title), fold(page.main_heading)
    og_type, jsonld_types = _og_type(page), _jsonld_types(page)
    head_text = title + " | " + heading
    body = page.find("body")
    body_classes = _tokens(body) if body is not None else ""
    segments = [s.lower() for s in urls.path_segments(page.ctx.url)]
    query = urls.query_of(page.ctx.url)
    articles = page.find_all("article")
    article_classes = _tokens(articles[0]) if len(articles) == 1 else ""
    links = main["links"]
    return {
        "home": page.ctx.is_home or _is_site_root(page.ctx.url),
        "error_title": bool(_ERROR_TITLE.search(title) or _ERROR_TITLE.search(heading)),
        "author_archive": bool(set(segments[:1]) & _AUTHOR_SEGMENTS) or bool(re.search(r"\bauthor\b", body_classes))
        or og_type == "profile",
        "listing_markup": bool(_LISTING_TITLE.search(heading) or _LISTING_TITLE.search(
            title.split(" | ")[0].split(" - ")[0]) or set(segments[:-1] or segments) & _LISTING_SEGMENTS
            or re.search(r"(^|&)(s|q|buscar|search)=", query) or _LISTING_BODY.search(body_classes)),
        "post_markup": bool(_POST_BODY.search(body_classes) or jsonld_types & _POST_JSONLD
                            or (len(articles) == 1 and _POST_ARTICLE.search(article_classes)
                                and not re.search(r"\btype page\b", article_classes))),
        "article_hint": og_type == "article" or "article" in jsonld_types,
        "page_markup": bool(_PAGE_BODY.search(body_classes)),
        "teasers": _teasers(page, articles),
        "read_more": sum(1 for link in links if _READ_MORE.match(link.folded_label)),
        "pagination": _has_pagination(page),
        "dates": main["dates"],
        "byline": bool(_BYLINE.search(main["lead"])),
        "published": bool(_PUBLISHED.search(fold(main["lead"]))),
        "time_near_heading": main["time_near_heading"],
        "dated_path": bool(_DATED_PATH.search(urls.path_of(page.ctx.url))),
        "main_text": main["text"],
        "main_links": main["page_links"],
        "files": main["files"],
        "data_files": main["data_files"],
        "format_badges": _format_badges(page),
        "link_ratio": round(main["link_text"] / max(main["text"], 1), 3),
        "working_forms": _working_forms(page),
        "cargo_mentions": len(CARGO.findall(fold(main["text_sample"]))),
        "person_cards": main["person_cards"],
        "obligation_rows": main["obligation_rows"],
        "period_selector": _period_selector(page),
        "under_construction": bool(_UNDER_CONSTRUCTION.search(fold(main["text_sample"][:3000]))),
        "heading": head_text[:160],
    }


_ROOT_PATH = re.compile(r"^/((index|inicio|default|home|principal)\.(html?|php|aspx?|jsp))?/?$", re.I)


def _is_site_root(url: str) -> bool:
    """The root of the site ('/', '/index.php', '/inicio.html'): the home page under another address. With a
    query it is not ('/index.php?option=com_content&id=12' is any Joomla page)."""
    return not urls.query_of(url) and bool(_ROOT_PATH.match(urls.path_of(url) or "/"))


def _og_type(page: Page) -> str:
    for meta in page.find_all("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:type":
            return (meta.get("content") or "").strip().lower()
    return ""


def _jsonld_types(page: Page) -> set[str]:
    """@type values of JSON-LD blocks (the main entity of the page as its CMS declares it)."""
    found: set[str] = set()
    for script in page.find_all("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(page.raw_text(script)[:200_000])
        except ValueError:
            continue
        stack = [data]
        while stack and len(found) < 20:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item[:50])
            elif isinstance(item, dict):
                kind = item.get("@type")
                for k in kind if isinstance(kind, list) else [kind]:
                    if isinstance(k, str):
                        found.add(k.lower())
                stack.extend(v for key, v in item.items() if key == "@graph")
    # a WebPage graph that also names an Article is the site's news post; a bare WebPage is not
    return found


def _teasers(page: Page, articles: list) -> int:
    """Repeated entries that each show a heading with a link (post teasers on a listing page)."""
    if len(articles) >= 2:
        return sum(1 for a in articles if any(True for _ in a.iterdescendants("h1", "h2", "h3", "h4", "h5")))
    return 0


def _has_pagination(page: Page) -> bool:
    """A pagination block, a rel=next/prev link, or numbered links to further pages of the same listing."""
    for link in page.find_all("link"):
        if (link.get("rel") or "").lower() in ("next", "prev"):
            return True
    for el in page.find_all(("nav", "div", "ul")):
        if _may_paginate(el) and _PAGINATION_CLASS.search(_tokens(el)):
            return True
    return any(_PAGE_PARAM.search(link.url or "") and _PAGINATION_TEXT.match(link.folded_label)
               for link in page.links)


def _may_paginate(el) -> bool:
    """Cheap test before folding an element's class and id: every _PAGINATION_CLASS word holds "pag" or "nav"
    (separators are not part of them, so the raw lower-cased value holds them too)."""
    raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return "pag" in raw or "nav" in raw


_PAGE_PARAM = re.compile(r"(/page/\d+|[?&](page|paged|pagina|pg|start|offset)=\d+)")


def _period_selector(page: Page) -> bool:
    """A <select> of fiscal years, quarters or periods (a financial-information page filled on demand)."""
    for select in page.find_all("select"):
        label = page.index.previous(select, ("label", "p", "span", "strong", "h2", "h3", "h4", "h5", "div"))
        texts = [page.text_of(label) if label is not None else "", select.get("name") or "", select.get("id") or "",
                 " ".join(page.text_of(o) for o in list(select.iterdescendants("option"))[:6])]
        if _PERIOD_LABEL.search(fold(" ".join(texts))):
            return True
        years = [o for o in select.iterdescendants("option") if re.fullmatch(r"\s*(19|20)\d\d\s*", page.text_of(o))]
        if len(years) >= 2:
            return True
    return False


def _format_badges(page: Page) -> int:
    """Elements that label a resource's format (CKAN's data-format badges, 'CSV' / 'XLSX' labels)."""
    formats = (el.get("data-format") for el in page.index.with_attribute("data-format"))
    return sum(1 for fmt in formats if fmt and fmt.strip().lower() in FILE_FORMATS)


def _working_forms(page: Page) -> int:
    """Forms a visitor fills in: a textarea, or four or more fields (not a lone search box)."""
    count = 0
    for form in page.find_all("form"):
        fields = [i for i in form.iterdescendants("input", "select", "textarea")
                  if (i.get("type") or "text").lower() not in ("hidden", "submit", "button", "image", "reset")]
        if any(f.tag == "textarea" for f in fields) or len(fields) >= 4:
            count += 1
    return count


def _main_region(page: Page) -> dict[str, Any]:
    """Text, links and files of the page outside its navigation (menus, header, footer, sidebars)."""
    excluded = _navigation_ranges(page)
    index = page.index
    text_len = 0
    pieces: list[str] = []
    for node in _outside(index.texts, index.string_pos, excluded):
        if node.plain:
            value = node.value
            text_len += len(value.strip())
            if len(pieces) < 400:
                pieces.append(value)
    lead = " ".join(pieces[:60])
    obligation_rows = sum(1 for piece in pieces if _OBLIGATION_HINT.match(piece) and _OBLIGATION_ROW.match(fold(piece)))
    page_links = files = data_files = link_text = 0
    dates = 0
    main_links = []
    for link in page.links:
        if _inside(index.start[id(link.el)], excluded):
            continue
        main_links.append(link)
        if link.dead or link.url is None:
            continue
        ext = urls.file_extension(link.url)
        if ext in FILE_FORMATS or ext in DOCUMENT_FORMATS:
            files += 1
            data_files += is_machine_readable(ext)
        elif urls.href_scheme(link.url) in ("http", "https") and page.is_own(link.url) and not page.is_same_page(
                link.url):
            page_links += 1
            link_text += len(link.text)
    for el in page.find_all("time"):
        if not _inside(index.start[id(el)], excluded):
            dates += 1
    return {"text": text_len, "lead": lead, "text_sample": " ".join(pieces), "links": main_links,
            "page_links": page_links, "files": files, "data_files": data_files, "link_text": link_text,
            "dates": dates, "time_near_heading": _time_near_heading(page), "person_cards": _person_cards(page, excluded),
            "obligation_rows": obligation_rows}


def _time_near_heading(page: Page) -> bool:
    """A <time> or a date-classed element among the 25 elements after the first h1."""
    heading = page.find("h1")
    if heading is None:
        return False
    index = page.index
    # the h1's place in document order by bisection (list.index and a copy of the list's tail were O(n))
    i = bisect_left(index.tag_pos, index.start[id(heading)])
    following = index.tags[i + 1:i + 26]
    return any(el.tag == "time" or _DATE_CLASSES.search(_tokens(el)) for el in following if isinstance(el.tag, str))


def _person_cards(page: Page, excluded: list[tuple[int, int]]) -> int:
    """Small blocks that name a person with a public office (a staff directory's cards)."""
    cards = 0
    seen: set[int] = set()
    for node in page.index.texts:
        # a run shorter than the hint's shortest word ("jefe") is skipped before the case-blind search (most
        # runs are the single spaces and newlines between elements)
        if not node.plain or len(node.value) < _CARGO_HINT_MIN or not _CARGO_HINT.search(node.value) \
                or _inside(node.position, excluded) or not CARGO.search(fold(node.value)):
            continue
        block = node.owner
        for _ in range(3):
            parent = block.getparent()
            if parent is None or len(page.text_of(parent)) > 400:
                break
            block = parent
        if id(block) not in seen:
            seen.add(id(block))
            cards += 1
    return cards


def _navigation_ranges(page: Page) -> list[tuple[int, int]]:
    """Document-position ranges of navigation containers (a wrapper holding most of the page is not one)."""
    index = page.index
    total = max(len(index.texts), 1)
    shared = page.memo("placement.said", dict)   # the same verdicts placement reads for every link
    tags, tag_pos = index.tags, index.tag_pos
    ranges: list[tuple[int, int]] = []
    i, n = 0, len(tags)
    while i < n:
        el, start = tags[i], tag_pos[i]
        i += 1
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        if el.tag in _SAYS_NOTHING and not el.get("role"):
            continue          # an inline or leaf element is never a navigation container
        said = _said(el, shared)
        if said is None or said.zone != "navigation":
            continue
        end = index.end[id(el)]
        lo, hi = index._text_range(el)  # noqa: SLF001 - same module family, cheap bisection
        if hi - lo > 0.6 * total and total > 20:
            continue
        ranges.append((start, end))
        i = bisect_left(tag_pos, end, i)   # its descendants are inside the range taken: not visited
    return ranges


def _outside(texts: list, positions: list[int], ranges: list[tuple[int, int]]):
    """Text runs (in document order) outside the sorted, disjoint ranges: the slices of `texts` between the
    ranges, found by bisecting `positions` (the runs' positions, parallel to texts), no test per run."""
    lo = 0
    for start, end in ranges:
        hi = bisect_left(positions, start, lo)
        yield from texts[lo:hi]
        lo = bisect_left(positions, end, hi)
    yield from texts[lo:]


def _inside(position: int, ranges: list[tuple[int, int]]) -> bool:
    """Is a document position inside one of the sorted, disjoint ranges?"""
    i = bisect_right(ranges, (position, _END)) - 1
    return i >= 0 and ranges[i][0] <= position < ranges[i][1]

