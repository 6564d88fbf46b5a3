"""Where a link sits on its page: in the site's navigation (menus, header, footer, the site's own social or
contact blocks, home tiles) or in content (an article's body, a byline, comments, related posts).

Institutional accounts, apps, sections and tools are offered by the site in its navigation and own blocks; a link
inside an article or an author box is a reference to somebody else's thing. The decision reads the markup around
the link: the nearest ancestor that says what it is (a <nav>, a <footer>, an <article>, a class such as
"entry-content" or "author-box") wins, so a footer inside an article is the article's, not the site's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

NAVIGATION, CONTENT = "navigation", "content"

# Regions of content whose links are references, never the site's own offer.
REFERENCE_REGIONS = frozenset({"article_body", "byline", "comments", "related", "share", "teaser", "person"})

# Class/id words, matched as whole tokens of the folded attribute ("menu-principal" -> "menu principal").
_CONTENT_CLASSES = (
    ("comments", re.compile(r"\b(comments?|comentarios?|respond|disqus|comment list)\b")),
    ("byline", re.compile(r"\b(byline|author|autor|autora|entry meta|post meta|author box|about author|"
                          r"sobre el autor|post author|writer|firma)\b")),
    ("related", re.compile(r"\b(related|relacionad[ao]s?|recent posts?|entradas recientes|yarpp|"
                           r"jp relatedposts|more news|mas noticias|otras noticias|popular posts?|"
                           r"widget recent entries|tagcloud|tag cloud|tags?|etiquetas|post tags)\b")),
    ("share", re.compile(r"\b(share|sharing|compartir|sharedaddy|addtoany|a2a|social share|share buttons)\b")),
    ("article_body", re.compile(r"\b(entry content|post content|article body|article content|single content|"
                                r"td post content|post body|entry body|nota|noticia|blog post|post entry|"
                                r"news content|contenido nota)\b")),
    # "perfil" and "vcard" are left out: sites name their own social block "perfil-redes", and hCard marks
    # organisations as well as people
    ("person", re.compile(r"\b(team member|staff|funcionari[oa]s?|directorio card|member card|profile card|"
                          r"integrante|regidor(es)?|cabildo member)\b")),
)
_NAVIGATION_CLASSES = (
    ("menu", re.compile(r"\b(menu|menus|nav|navbar|navigation|navegacion|megamenu|mega menu|dropdown|submenu|"
                        r"main menu|primary menu|menu principal|topbar|top bar|top menu|sidenav|offcanvas|"
                        r"breadcrumbs?|migas)\b")),
    ("header", re.compile(r"\b(header|site header|cabecera|encabezado|masthead|banner top)\b")),
    ("footer", re.compile(r"\b(footer|site footer|pie|pie de pagina|piedepagina|colophon|bottom bar)\b")),
    ("site_block", re.compile(r"\b(social|socials|social icons|social links|social media|redes|redes sociales|"
                              r"siguenos|follow us|contacto|contact info|contact widget|apps?|descargas app|"
                              r"quick links|accesos directos|accesos rapidos|tiles?|cards? menu|botones)\b")),
)
# One search per element instead of one per region: the alternatives keep their region as the group name.
_CONTENT_ANY = re.compile("|".join(f"(?P<{region}>{pattern.pattern})" for region, pattern in _CONTENT_CLASSES))
_NAVIGATION_ANY = re.compile("|".join(f"(?P<{region}>{pattern.pattern})" for region, pattern in _NAVIGATION_CLASSES))
_ROLE_REGIONS = {"navigation": "menu", "menubar": "menu", "menu": "menu", "banner": "header",
                 "contentinfo": "footer", "complementary": "sidebar"}
_SEPARATORS = re.compile(r"[-_\s]+")
_MAX_DEPTH = 40


@dataclass(frozen=True)
class Placement:
    """The zone (navigation or content) and the region that decided it."""

    zone: str        # NAVIGATION | CONTENT
    region: str      # menu, header, footer, sidebar, site_block, home, article_body, byline, comments, ...

    @property
    def is_reference(self) -> bool:
        """Inside an article, a byline, comments, related posts or a person's card: a reference, not an offer."""
        return self.zone == CONTENT and self.region in REFERENCE_REGIONS

    def describe(self) -> str:
        """'navigation/menu' style label stored with signals."""
        return f"{self.zone}/{self.region}"


def _tokens(el: etree._Element) -> str:
    """Class and id of an element as folded words."""
    return _folded_tokens(f"{el.get('class') or ''} {el.get('id') or ''}")


@lru_cache(maxsize=8192)
def _folded_tokens(raw: str) -> str:
    # a site's template repeats the same class names on every page: folded once
    return _SEPARATORS.sub(" ", raw.lower()).strip() if raw.strip() else ""


def placement_of(el: etree._Element, is_home: bool = False, page_role: str = "",
                 cache: dict | None = None) -> Placement:
    """Placement of an element (a link, an iframe, a form) from its telling ancestors.

    Content wins over navigation when both enclose the element: a social bar inside an article body is the
    article's, and the <header>/<footer> of an <article> hold its title, byline and tags.
    """
    navigation: Placement | None = None
    for depth, node in enumerate(el.iterancestors()):
        if depth > _MAX_DEPTH or node.tag in ("body", "html"):
            break
        found = _said(node, cache)
        if found is None:
            continue
        if found.zone == NAVIGATION:
            navigation = navigation or found
            continue
        if found.region == "article" and page_role not in ("article", "person", "error") and _is_tile(node):
            # a card of a home-page grid written as <article>: a short label and a link, not a news teaser
            return navigation or (Placement(NAVIGATION, "home") if is_home else Placement(CONTENT, "main"))
        if found.region in ("article", "article_body"):
            return _article_region(found, navigation, is_home, page_role)
        return found
    if navigation is not None:
        return navigation
    return Placement(NAVIGATION, "home") if is_home else Placement(CONTENT, "main")


_TILE_TEXT = 120


def _is_tile(node: etree._Element) -> bool:
    """A small <article> holding a label and one or two links, with no date: a menu card, not a post."""
    if sum(1 for _ in node.iter("a")) > 2 or any(True for _ in node.iter("time")):
        return False
    return len(" ".join("".join(node.itertext()).split())) < _TILE_TEXT


def _article_region(found: Placement, navigation: Placement | None, is_home: bool, page_role: str) -> Placement:
    """What an <article> or an entry-content block means depends on the page: a post's body on an article, a
    teaser on a listing or the home page, and just the page's body elsewhere (WordPress and many themes wrap an
    ordinary page's content in <article class="page"> / <div class="entry-content"> too)."""
    if is_home or page_role in ("listing", "home"):
        return Placement(CONTENT, "teaser")
    if page_role in ("article", "person", "error"):
        if found.region == "article" and navigation is not None and navigation.region in ("header", "footer"):
            return Placement(CONTENT, "byline" if navigation.region == "header" else "related")
        return Placement(CONTENT, "article_body")
    return Placement(CONTENT, "main")


def _said(node: etree._Element, cache: dict | None) -> Placement | None:
    """_ancestor_says, remembered per element when a cache is given (links of one menu share ancestors).

    Keyed by the element itself, not its id(): lxml makes a Python proxy for a node only while something holds
    it, so the id of a proxy already freed is soon another element's, and a cache by id answered for the wrong
    ancestor. As a key, the proxy stays alive (and lxml hands back the same one) for as long as the cache."""
    if cache is None:
        return _ancestor_says(node)
    if node not in cache:
        cache[node] = _ancestor_says(node)
    return cache[node]


def _ancestor_says(node: etree._Element) -> Placement | None:
    """What one ancestor says about the things inside it, or None when it says nothing."""
    tag = node.tag if isinstance(node.tag, str) else ""
    return _markup_says(tag, (node.get("role") or "").lower(), _tokens(node))


@lru_cache(maxsize=8192)
def _markup_says(tag: str, role: str, tokens: str) -> Placement | None:
    """_ancestor_says from the element's tag, role and class/id words alone, remembered: a site's template
    repeats the same few combinations on every page (Placement is frozen, so the answers can be shared)."""
    if tag == "nav" or role in ("navigation", "menubar", "menu"):
        return Placement(NAVIGATION, "menu")
    if tag == "article":
        return Placement(CONTENT, "article")
    if tokens:
        found = _CONTENT_ANY.search(tokens)
        if found:
            return Placement(CONTENT, _first_group(found, _CONTENT_CLASSES))
    if tag == "header" or role == "banner":
        return Placement(NAVIGATION, "header")
    if tag == "footer" or role == "contentinfo":
        return Placement(NAVIGATION, "footer")
    if tag == "aside" or role == "complementary":
        return Placement(NAVIGATION, "sidebar")
    if tokens:
        found = _NAVIGATION_ANY.search(tokens)
        if found:
            return Placement(NAVIGATION, _first_group(found, _NAVIGATION_CLASSES))
    if role in _ROLE_REGIONS:
        return Placement(NAVIGATION, _ROLE_REGIONS[role])
    return None


def _first_group(match: re.Match[str], table: tuple[tuple[str, re.Pattern[str]], ...]) -> str:
    """The region whose alternative matched: the table's order decides ties, as one search per region did."""
    regions = [region for region, pattern in table if pattern.search(match.string)]
    return regions[0] if regions else match.lastgroup or ""
