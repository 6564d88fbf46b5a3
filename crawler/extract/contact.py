"""Contact channels (contact) and ways to write to the government from the home page (communication_tool)."""
from __future__ import annotations

import re
from urllib.parse import unquote

from crawler.extract import keywords, urls
from crawler.extract.dom import Page, TextNode, class_names, first_below
from crawler.extract.pagekind import is_participation_page
from crawler.extract.registry import as_extraction, extractor
from crawler.extract.scripts import visitor_mailtos, visitor_texts
from crawler.extract.sections import offered, working_forms
from crawler.extract.social import Rejected, parse_account, platform_of
from crawler.extract.text import fold
from crawler.extract.types import Extraction, Signal

_EMAIL_RE = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]{1,64})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24})\b")
# "nombre [at] dominio [dot] gob [dot] mx" and "nombre (arroba) dominio.gob.mx"
_OBFUSCATED_RE = re.compile(
    r"([A-Za-z0-9._%+-]{2,64})\s*[\[(\{]\s*(?:at|arroba)\s*[\])\}]\s*"
    r"([A-Za-z0-9-]+(?:\s*(?:\.|[\[(\{]\s*(?:dot|punto)\s*[\])\}])\s*[A-Za-z0-9-]+)+)", re.I)
# The "[at]" every obfuscated address holds: a page without one is not scanned with _OBFUSCATED_RE, whose
# leading run of up to 64 name characters is retried at every position of the text (a quarter millisecond a page).
_OBFUSCATED_AT = re.compile(r"[\[(\{]\s*(?:at|arroba)\s*[\])\}]", re.I)
_PLACEHOLDER_DOMAINS = ("example.com", "example.org", "domain.com", "dominio.com", "ejemplo.com", "email.com",
                        "yourdomain.com", "tudominio.com", "company.com", "mail.com", "sentry.io", "wixpress.com")
_ASSET_TLDS = ("png", "jpg", "jpeg", "gif", "webp", "svg", "css", "js")
# Mexican numbers: 10 digits with area code in many groupings, or 7–8 digit local numbers.
_PHONE_RE = re.compile(
    r"(?<![\w/.-])(?:\+?52[\s.-]?(?:1[\s.-]?)?)?(?:01[\s.-]?)?"
    r"(?:\(\d{2,3}\)[\s.-]?\d{3,4}[\s.-]?\d{4}"
    r"|\d{2,3}[\s.-]\d{3,4}[\s.-]\d{4}"
    r"|\d{2}[\s.-]\d{2}[\s.-]\d{2}[\s.-]\d{2}(?:[\s.-]\d{2})?"
    r"|\d{3,4}[\s.-]\d{4}"
    r"|\d{7,10})(?![\w/-]|\.\d)")
_DIGIT = re.compile(r"\d")   # the same digits _PHONE_RE's \d reads
_CHAINED_RE = re.compile(r"^\s*(?:[/,;|y]|ó|o|ext\.?\s*\d+\s*[/,;]?)\s*$", re.I)
_CHAT_MARKERS = ("tawk.to", "embed.tawk", "zopim", "zendesk", "crisp.chat", "livechatinc", "tidio",
                 "jivosite", "fb-customerchat", "customerchat", "messenger", "hubspot", "botpress", "dialogflow")


def _is_real_email(local: str, domain: str) -> bool:
    """Reject asset names (logo@2x.png), placeholders and tracking addresses."""
    domain = domain.lower()
    if domain.rsplit(".", 1)[-1] in _ASSET_TLDS or domain in _PLACEHOLDER_DOMAINS:
        return False
    return local.lower() not in ("usuario", "user", "correo", "email", "nombre", "name", "your", "tu")


def emails(page: Page) -> list[tuple[str, str]]:
    """(address, how) from mailto: links, visible text and cautious de-obfuscation."""
    return list(page.memo("contact.emails", lambda: _emails(page)))


def _emails(page: Page) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for link in page.links:
        if urls.href_scheme(urls.clean_href(link.raw)) == "mailto":
            address = unquote(urls.clean_href(link.raw)[7:].split("?")[0]).strip().lower()
            for part in address.split(","):
                match = _EMAIL_RE.fullmatch(part.strip())
                if match and _is_real_email(*match.groups()):
                    found.setdefault(part.strip(), "mailto")
    text = page.visible_text
    for match in _EMAIL_RE.finditer(text) if "@" in text else ():   # no "@", no address: skip the scan
        if _is_real_email(*match.groups()):
            found.setdefault(match.group(0).lower(), "text")
    for address, how in [*((a, "cdn_obfuscated") for a in cloudflare_emails(page)),
                         *((unquote(a).strip(), "script") for a in visitor_mailtos(page))]:
        match = _EMAIL_RE.fullmatch(address)
        if match and _is_real_email(*match.groups()):
            found.setdefault(match.group(0).lower(), how)
    for shown in visitor_texts(page):
        for match in _EMAIL_RE.finditer(shown):
            if _is_real_email(*match.groups()):
                found.setdefault(match.group(0).lower(), "script")
    for match in _OBFUSCATED_RE.finditer(text) if _OBFUSCATED_AT.search(text) else ():
        domain = re.sub(r"\s*[\[(\{]\s*(?:dot|punto)\s*[\])\}]\s*|\s*\.\s*", ".", match.group(2), flags=re.I)
        if "." in domain and _is_real_email(match.group(1), domain):
            found.setdefault(f"{match.group(1)}@{domain}".lower(), "obfuscated")
    return list(found.items())


_CF_PATH = "/cdn-cgi/l/email-protection#"


def cloudflare_emails(page: Page) -> list[str]:
    """Addresses hidden by Cloudflare's e-mail obfuscation (`data-cfemail` or a /cdn-cgi/l/email-protection#…
    link, shown to visitors once its script decodes them): the hex is XOR-ed with its first byte."""
    encoded = [el.get("data-cfemail") for el in page.index.with_attribute("data-cfemail") if el.get("data-cfemail")]
    encoded += [link.raw.split("#", 1)[1] for link in page.links if link.raw and _CF_PATH in link.raw]
    return [a for a in (_cf_decode(e) for e in encoded) if a]


def _cf_decode(hexed: str) -> str:
    try:
        data = bytes.fromhex(hexed.strip())
    except ValueError:
        return ""
    if len(data) < 2:
        return ""
    try:
        return bytes(b ^ data[0] for b in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return ""


def digits_key(shown: str) -> str:
    """Digits of a phone without country code / long-distance prefix, for comparison."""
    digits = re.sub(r"\D", "", shown)
    if len(digits) == 12 and digits.startswith("52"):
        digits = digits[2:]
    if len(digits) == 13 and digits.startswith("521"):
        digits = digits[3:]
    if len(digits) == 12 and digits.startswith("01"):
        digits = digits[2:]
    return digits


def _phone_cue(page: Page, before: str, node: TextNode | None) -> bool:
    """A phone cue ('Tel:', 'Teléfono', a phone icon, an <address>) right before the number."""
    if keywords.PHONE_CUE.search(fold(before[-40:])):
        return True
    if node is None:
        return False
    if node.has_ancestor("address"):
        return True
    # the three elements before the text (its own element and a preceding icon among them)
    for el in page.index.elements_before(node.position, 3):
        classes = class_names(el).lower()
        if "phone" in classes or "tel" in classes.split("-") or "telefono" in classes:
            return True
    return False


def phones(page: Page) -> list[str]:
    """Phone numbers shown next to a phone cue, plus tel: links; each as shown."""
    found: dict[str, str] = {}
    for link in page.links:
        raw = urls.clean_href(link.raw)
        if urls.href_scheme(raw) == "tel":
            number = unquote(raw[4:]).strip()
            if len(re.sub(r"\D", "", number)) >= 7:
                found.setdefault(digits_key(number), number)
    body = page.body()
    for node in page.index.strings_in(body) if body is not None else ():
        if node.plain:  # visible page text: not a comment, script or template
            _phones_in_text(page, node.value, node, found)
    for shown in visitor_texts(page):     # notices and pop-ups written by inline scripts
        _phones_in_text(page, shown, None, found)
    return list(found.values())


def _phones_in_text(page: Page, text: str, node: TextNode | None, found: dict[str, str]) -> None:
    """Numbers in one text run: the first needs a cue, the next may be chained with '/'. `node` is the page's
    text node (its markup can hold the cue), None for text a script shows."""
    if not _DIGIT.search(text):
        return    # every number has digits: most runs have none, and the phone pattern is slow to fail
    last_end = None
    for match in _PHONE_RE.finditer(text):
        shown = match.group(0).strip()
        digits = re.sub(r"\D", "", shown)
        if not 7 <= len(digits) <= 13 or _looks_like_years(shown):
            continue
        chained = last_end is not None and _CHAINED_RE.match(text[last_end:match.start()])
        if chained or _phone_cue(page, text[: match.start()], node if match.start() < 40 else None):
            found.setdefault(digits_key(shown), shown)
            last_end = match.end()


def _looks_like_years(shown: str) -> bool:
    """'2000-2010', '2013 2018': year ranges, not phone numbers."""
    groups = re.findall(r"\d+", shown)
    return len(groups) == 2 and all(len(g) == 4 and 1900 <= int(g) <= 2100 for g in groups)


def contact_forms(page: Page) -> list[tuple[str, str]]:
    """(action, snippet) for forms that submit a message: a textarea plus an e-mail or name field."""
    found = []
    for form, action in working_forms(page):
        if first_below(form, "textarea") is None:
            continue
        inputs = [(i.get("type") or "text").lower() + " " + (i.get("name") or "").lower()
                  for i in form.iterdescendants("input")]
        if any("email" in i or "correo" in i or "nombre" in i or "name" in i for i in inputs):
            found.append((action, page.text_of(form)[:120]))
    return found


def extract(page: Page) -> list[Signal]:
    """contact signals (email, phone, form) and communication_tool signals."""
    related = is_participation_page(page)
    signals = []
    for address, how in emails(page):
        signals.append(_contact(page, "email", address, related, how))
    for shown in phones(page):
        signals.append(_contact(page, "phone", shown, related, "text"))
    for action, snippet in contact_forms(page):
        signals.append(_contact(page, "form", action, related, snippet))
        signals.append(_tool(page, "form", action, snippet))
    signals += communication_tools(page, [a for a, _ in emails(page)])
    return signals


def _contact(page: Page, kind: str, value: str, related: bool, snippet: str) -> Signal:
    """One contact signal; phones are keyed by their digits so formats merge."""
    key = digits_key(value) if kind == "phone" else value.lower()
    data = {"type": kind, "value": value, "participation_related": related, "identity": f"contact:{kind}:{key}"}
    url = f"mailto:{value}" if kind == "email" else (f"tel:{key}" if kind == "phone" else value)
    return Signal("contact", url, page.ctx.url, page.ctx.is_home, data, snippet[:120])


def _tool(page: Page, kind: str, url: str, snippet: str) -> Signal:
    """One communication_tool signal."""
    data = {"type": kind, "identity": f"communication_tool:{kind}:{url}"}
    return Signal("communication_tool", url, page.ctx.url, page.ctx.is_home, data, snippet[:120])


def communication_tools(page: Page, addresses: list[str]) -> list[Signal]:
    """Chat widgets, WhatsApp links, mailboxes and e-mail addresses offered to citizens."""
    signals = []
    markup = " ".join((s.get("src") or "") + page.raw_text(s) for s in page.find_all("script")).lower()
    for marker in _CHAT_MARKERS:
        if marker in markup:
            signals.append(_tool(page, "chat", page.ctx.url, marker))
            break
    for link in page.links:
        if link.url and platform_of(link.url) == "whatsapp" and offered(page, link.el):
            try:
                account = parse_account(link.url)
            except Rejected:
                continue
            signals.append(_tool(page, "whatsapp", account.url, link.label))
        elif link.url and "buzon" in link.folded_label and not link.dead and offered(page, link.el):
            signals.append(_tool(page, "mailbox", urls.without_fragment(link.url), link.label))
    for address in addresses:
        signals.append(_tool(page, "email", f"mailto:{address}", address))
    return signals


@extractor("contact", order=120, kinds=("contact", "communication_tool"))
def page_contact(page: Page) -> Extraction:
    """Contact details and channels to talk to the authorities."""
    return as_extraction(extract(page))
