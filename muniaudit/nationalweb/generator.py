"""Synthetic municipal websites, one per INEGI municipality, drawn deterministically from (cvegeo, seed).

Nothing is written to disk: `plan_site` draws a site's features (the ground truth) and `render` builds any page
of it on request. Dates are stored as ages in days and rendered relative to the `today` the web is served with,
so the same seed gives the same verdicts whatever day the benchmark runs.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from html import escape

from muniaudit.discover import domain_slug

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")
TOPICS = {
    "Finanzas públicas": ["Presupuesto de egresos", "Ingresos municipales", "Deuda pública", "Nómina"],
    "Obra pública": ["Obras en proceso", "Licitaciones", "Bacheo"],
    "Seguridad pública": ["Incidencia delictiva", "Accidentes viales"],
    "Servicios públicos": ["Rutas de recolección", "Alumbrado público", "Agua potable"],
    "Medio ambiente": ["Calidad del aire", "Arbolado urbano"],
    "Desarrollo social": ["Programas sociales", "Becas municipales"],
}
PLATFORMS = ("facebook", "x", "instagram", "youtube")
ACCOUNT_URL = {"facebook": "https://www.facebook.com/{h}", "x": "https://x.com/{h}",
               "instagram": "https://www.instagram.com/{h}/", "youtube": "https://www.youtube.com/@{h}"}
PARTICIPATION = {"consulta": "Consulta ciudadana", "presupuesto_participativo": "Presupuesto participativo",
                 "cabildo_abierto": "Cabildo abierto"}
FAULTS = ("error500", "hang", "reset")
FIRST_NAMES = ("María", "José", "Guadalupe", "Juan", "Rosa", "Luis", "Carmen", "Miguel", "Ana", "Jorge")
SURNAMES = ("Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
            "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes")


@dataclass(frozen=True)
class Municipality:
    cvegeo: str
    name: str
    state: str
    state_abbr: str


@dataclass(frozen=True)
class Collection:
    title: str
    topic: str
    slug: str
    formats: tuple[str, ...]
    age_days: int


@dataclass(frozen=True)
class SitePlan:
    """Everything the generator put on one site: its ground truth."""

    muni: Municipality
    host: str
    fault: str | None = None                     # error500 | hang | reset: the whole site fails this way
    viewport: bool = True
    data_section: str = "none"                   # home | deep | none
    data_layout: str = "topics"                  # topics (h2 topic, h3 collection) | flat (h2 collection)
    collections: tuple[Collection, ...] = ()
    section_age_days: int | None = None          # "Última actualización" on the data page
    data_search: bool = False
    participation: tuple[str, ...] = ()          # participation mechanism types, each with a page
    participation_contact: bool = False          # an office e-mail and phone on the participation page
    report_form: bool = False
    survey: bool = False
    email: str | None = None                     # in every footer (a communication tool on the home page)
    phone: str | None = None
    accounts: tuple[tuple[str, str], ...] = ()   # (platform, handle)
    mayor: tuple[str, str, str] | None = None    # (person, platform, handle)
    video_embed: str | None = None               # YouTube video id embedded on the home page
    apps: tuple[tuple[str, str], ...] = ()       # (store, app id)
    news: int = 0                                # filler pages
    tramites: int = 0
    share_links: bool = False                    # hard negatives: share buttons and '#' icons

    @property
    def data_path(self) -> str | None:
        return {"home": "/datos-abiertos/", "deep": "/transparencia/proactiva/"}.get(self.data_section)

    def html_pages(self) -> list[str]:
        """Every HTML path of the site (for tests and page counts)."""
        pages = ["/", "/transparencia/", "/contacto/", "/gobierno/", "/noticias/"]
        pages += [f"/noticias/nota-{i}.html" for i in range(self.news)]
        pages += [f"/tramites/tramite-{i}.html" for i in range(self.tramites)]
        if self.tramites:
            pages.append("/tramites/")
        if self.data_path:
            pages.append(self.data_path)
        if self.participation:
            pages.append("/participacion/")
            pages += [f"/participacion/{t}.html" for t in self.participation]
        if self.report_form:
            pages.append("/reportes/")
        if self.survey:
            pages.append("/encuesta/")
        return pages


def registry_municipalities() -> list[Municipality]:
    """The 2,478 INEGI municipalities shipped with the package."""
    from muniaudit.registry import bundled_rows

    return [Municipality(r["cvegeo"], r["nom_mun"], r["nom_ent"], r["nom_abr_ent"]) for r in bundled_rows()]


def assign_hosts(munis: list[Municipality]) -> dict[str, str]:
    """cvegeo -> host name like www.tlajomulcodezuniga.gob.mx; repeated names get the state as a subdomain."""
    taken: set[str] = set()
    hosts: dict[str, str] = {}
    for m in sorted(munis, key=lambda m: m.cvegeo):
        slug = domain_slug(m.name)
        state = domain_slug(m.state_abbr)
        for host in (f"www.{slug}.gob.mx", f"www.{slug}.{state}.gob.mx", f"www.{slug}{m.cvegeo}.gob.mx"):
            if host not in taken:
                break
        taken.add(host)
        hosts[m.cvegeo] = host
    return hosts


def _age(rng: random.Random, fresh: float) -> int:
    """An age in days kept away from the rubric's 31- and 183-day thresholds (no off-by-one verdicts)."""
    if rng.random() < fresh:
        return rng.choice([rng.randint(0, 24), rng.randint(40, 170)])
    return rng.randint(200, 700)


def plan_site(muni: Municipality, host: str, seed: int, fault_share: float = 0.06) -> SitePlan:
    """Draw one site's features from (cvegeo, seed); the same inputs always give the same site."""
    rng = random.Random(f"{seed}:{muni.cvegeo}")
    maturity = rng.random()
    slug = host.split(".")[1]
    fault = rng.choice(FAULTS) if rng.random() < fault_share else None
    data_section = rng.choices(["home", "deep", "none"], [0.2 + 0.5 * maturity, 0.15, 0.65 - 0.5 * maturity])[0]
    collections: list[Collection] = []
    layout = "flat"
    section_age = None
    if data_section != "none":
        n = rng.randint(1, 8)
        layout = "topics" if rng.random() < 0.6 else "flat"
        topics = rng.sample(list(TOPICS), k=min(len(TOPICS), max(1, (n + 1) // 2)))
        titles = [(t, c) for t in topics for c in TOPICS[t]]
        pdf_only = rng.random() < 0.2
        for i, (topic, title) in enumerate(rng.sample(titles, k=min(n, len(titles)))):
            formats = ("pdf",) if pdf_only else tuple(sorted(set(rng.sample(["csv", "json", "xlsx", "pdf"],
                                                                           k=rng.randint(1, 3)))))
            collections.append(Collection(title, topic, f"{domain_slug(title)}-{i}", formats,
                                          _age(rng, 0.3 + 0.5 * maturity)))
        section_age = _age(rng, 0.5) if rng.random() < 0.8 else None
    participation = tuple(t for t in PARTICIPATION if rng.random() < 0.15 + 0.5 * maturity)
    accounts = tuple((p, f"{slug[:12]}{'gob' if p != 'facebook' else 'mx'}") for p in PLATFORMS   # X: <= 15 chars
                     if rng.random() < 0.3 + 0.5 * maturity)
    mayor = None
    if rng.random() < 0.3 * maturity + 0.1:
        person = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        mayor = (person, rng.choice(["facebook", "x"]), domain_slug(person)[:15])
    apps = tuple((store, app_id) for store, app_id in
                 (("google_play", f"mx.gob.{slug[:20]}.app"), ("app_store", f"id{rng.randint(10**9, 10**10 - 1)}"))
                 if rng.random() < 0.15 * maturity + 0.02)
    return SitePlan(
        muni=muni, host=host, fault=fault, viewport=rng.random() < 0.85,
        data_section=data_section, data_layout=layout, collections=tuple(collections),
        section_age_days=section_age, data_search=data_section != "none" and rng.random() < 0.4,
        participation=participation, participation_contact=bool(participation) and rng.random() < 0.6,
        report_form=rng.random() < 0.2 + 0.5 * maturity, survey=rng.random() < 0.1 + 0.4 * maturity,
        email=f"contacto@{host[4:]}" if rng.random() < 0.8 else None,
        phone=f"({rng.randint(200, 999)}) {rng.randint(100, 999)} {rng.randint(1000, 9999)}" if rng.random() < 0.8
        else None,
        accounts=accounts, mayor=mayor,
        video_embed=f"V{rng.randint(10**9, 10**10 - 1)}x" if rng.random() < 0.1 + 0.4 * maturity else None,
        apps=apps, news=rng.randint(2, 20), tramites=rng.randint(0, 18), share_links=rng.random() < 0.5,
    )


# -- rendering ------------------------------------------------------------------------------------------

def spanish_date(day: date) -> str:
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def _nav(plan: SitePlan) -> str:
    items = [("/", "Inicio"), ("/gobierno/", "Gobierno"), ("/transparencia/", "Transparencia")]
    if plan.data_section == "home":
        items.append(("/datos-abiertos/", "Datos abiertos"))
    if plan.participation:
        items.append(("/participacion/", "Participación ciudadana"))
    if plan.report_form:
        items.append(("/reportes/", "Reporta un problema"))
    if plan.survey:
        items.append(("/encuesta/", "Encuesta de satisfacción"))
    if plan.tramites:
        items.append(("/tramites/", "Trámites"))
    items += [("/noticias/", "Noticias"), ("/contacto/", "Contacto")]
    return "<nav><ul>" + "".join(f'<li><a href="{u}">{t}</a></li>' for u, t in items) + "</ul></nav>"


def _footer(plan: SitePlan) -> str:
    m = plan.muni
    parts = [f"<p>H. Ayuntamiento de {escape(m.name)}, {escape(m.state)} · Palacio Municipal s/n, Centro</p>"]
    if plan.phone:
        parts.append(f"<p>Tel. {plan.phone}</p>")
    if plan.email:
        parts.append(f'<p><a href="mailto:{plan.email}">{plan.email}</a></p>')
    social = [f'<a href="{ACCOUNT_URL[p].format(h=h)}">{p.capitalize()}</a>' for p, h in plan.accounts]
    if plan.share_links:
        have = {p for p, _ in plan.accounts}
        social += [f'<a href="#" class="icon-{p}" title="{p}"></a>' for p in PLATFORMS if p not in have]
    if social:
        parts.append("<p>Síguenos: " + " ".join(social) + "</p>")
    parts.append("<p>Sitio sintético de pruebas de muniaudit (datos ficticios).</p>")
    return "<footer>" + "".join(parts) + "</footer>"


def _page(plan: SitePlan, title: str, body: str) -> str:
    viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">' if plan.viewport else ""
    name = escape(plan.muni.name)
    return (f'<!doctype html><html lang="es"><head><meta charset="utf-8">{viewport}'
            f"<title>{escape(title)} | Gobierno Municipal de {name}</title></head><body>"
            f"<header><p>Gobierno Municipal de {name}, {escape(plan.muni.state)}</p>{_nav(plan)}</header>"
            f"<main><h1>{escape(title)}</h1>{body}</main>{_footer(plan)}</body></html>")


def _home(plan: SitePlan) -> str:
    body = [f"<p>Bienvenidos al portal del municipio de {escape(plan.muni.name)}.</p>",
            "<h2>Noticias</h2><ul>"]
    body += [f'<li><a href="/noticias/nota-{i}.html">Aviso municipal número {i + 1}</a></li>'
             for i in range(min(plan.news, 5))]
    body.append("</ul>")
    if plan.video_embed:
        body.append(f'<h2>Sesión en video</h2><iframe src="https://www.youtube.com/embed/{plan.video_embed}" '
                    'title="Sesión de cabildo" width="560" height="315"></iframe>')
    if plan.mayor:
        person, platform, handle = plan.mayor
        body.append(f'<h2>Presidencia</h2><p>{escape(person)}, Presidente Municipal. '
                    f'<a href="{ACCOUNT_URL[platform].format(h=handle)}">Cuenta del Presidente Municipal en '
                    f"{platform.capitalize()}</a></p>")
    if plan.apps:
        links = {"google_play": "https://play.google.com/store/apps/details?id={}",
                 "app_store": "https://apps.apple.com/mx/app/municipio/{}"}
        body.append("<h2>La app del municipio</h2><p>"
                    + " ".join(f'<a href="{links[s].format(a)}">Descárgala ({s})</a>' for s, a in plan.apps) + "</p>")
    return _page(plan, f"Inicio - {plan.muni.name}", "".join(body))


def _news_item(plan: SitePlan, i: int) -> str:
    body = (f"<p>El ayuntamiento informa sobre las actividades de la semana {i + 1}. Las calles del centro "
            "tendrán trabajos de mantenimiento y limpieza durante los próximos días.</p>")
    if plan.share_links:
        url = f"https://{plan.host}/noticias/nota-{i}.html"
        body += (f'<p>Compartir: <a href="https://www.facebook.com/sharer/sharer.php?u={url}">Facebook</a> '
                 f'<a href="https://twitter.com/intent/tweet?url={url}">X</a></p>')
    return _page(plan, f"Aviso municipal número {i + 1}", body)


def _listing(plan: SitePlan, title: str, links: list[tuple[str, str]]) -> str:
    return _page(plan, title, "<ul>" + "".join(f'<li><a href="{u}">{escape(t)}</a></li>' for u, t in links) + "</ul>")


def _transparency(plan: SitePlan) -> str:
    body = "<p>Obligaciones de transparencia del municipio conforme a la Ley General de Transparencia.</p>"
    body += '<ul><li><a href="https://www.plataformadetransparencia.org.mx/">Plataforma Nacional de Transparencia</a></li>'
    if plan.data_section == "deep":
        body += '<li><a href="/transparencia/proactiva/">Datos abiertos y transparencia proactiva</a></li>'
    return _page(plan, "Transparencia", body + "</ul>")


def _data(plan: SitePlan, today: date) -> str:
    body = ["<p>Información del municipio en formatos abiertos para descargar y reutilizar.</p>"]
    if plan.section_age_days is not None:
        day = today - timedelta(days=plan.section_age_days)
        body.append(f"<p>Última actualización: {spanish_date(day)}</p>")
    if plan.data_search:
        body.append(f'<form action="{plan.data_path}" method="get" role="search"><label for="q">Buscar conjuntos'
                    '</label><input type="search" id="q" name="q"><button type="submit">Buscar</button></form>')
    current_topic = None
    for c in sorted(plan.collections, key=lambda c: c.topic) if plan.data_layout == "topics" else plan.collections:
        if plan.data_layout == "topics" and c.topic != current_topic:
            body.append(f"<h2>{escape(c.topic)}</h2>")
            current_topic = c.topic
        level = "h3" if plan.data_layout == "topics" else "h2"
        files = " ".join(f'<a href="/archivos/{c.slug}.{f}">{f.upper()}</a>' for f in c.formats)
        day = today - timedelta(days=c.age_days)
        body.append(f'<div class="conjunto"><{level}>{escape(c.title)}</{level}><p>Descargar: {files}</p>'
                    f"<p>Actualizado: {day:%d/%m/%Y}</p></div>")
    return _page(plan, "Datos abiertos", "".join(body))


def _participation(plan: SitePlan) -> str:
    links = "".join(f'<li><a href="/participacion/{t}.html">{PARTICIPATION[t]}</a></li>' for t in plan.participation)
    return _page(plan, "Participación ciudadana", f"<p>Mecanismos de participación del municipio:</p><ul>{links}</ul>"
                 + _participation_contact(plan))


def _participation_contact(plan: SitePlan) -> str:
    if not plan.participation_contact:
        return ""
    return (f'<aside><h2>Dirección de Participación Ciudadana</h2><p>Correo: <a href="mailto:participacion@'
            f'{plan.host[4:]}">participacion@{plan.host[4:]}</a></p><p>Teléfono: (55) 5555 0142</p></aside>')


def _report(plan: SitePlan) -> str:
    return _page(plan, "Reporta un problema", (
        '<p>Envía tu reporte de baches, luminarias o fugas.</p><form id="reporte" action="/reportes/enviar" '
        'method="post"><label>Nombre <input name="nombre"></label><label>Descripción <textarea name="descripcion">'
        '</textarea></label><label>Foto <input type="file" name="foto"></label><button type="submit">Enviar reporte'
        "</button></form>"))


def _survey(plan: SitePlan) -> str:
    radios = "".join(f'<label><input type="radio" name="calificacion" value="{v}"> {v}</label>' for v in range(1, 6))
    return _page(plan, "Encuesta de satisfacción", (
        f'<form action="/encuesta/enviar" method="post"><fieldset><legend>¿Qué tan satisfecho estás con el '
        f"servicio?</legend>{radios}</fieldset><button type=\"submit\">Enviar evaluación</button></form>"))


def _file(collection: Collection, fmt: str) -> tuple[str, bytes]:
    if fmt == "csv":
        return "text/csv; charset=utf-8", f"concepto,monto\n{collection.title},1000\n".encode()
    if fmt == "json":
        return "application/json", json.dumps({"conjunto": collection.title, "registros": [1, 2, 3]}).encode()
    if fmt == "xlsx":
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04" + b"\0" * 60
    return "application/pdf", b"%PDF-1.4\n% sintetico\n%%EOF\n"


HTML = "text/html; charset=utf-8"


def render(plan: SitePlan, path: str, today: date) -> tuple[int, str, bytes]:
    """(status, content type, body) for one path of a site; 404 for paths it does not have."""
    page: str | None = None
    if path == "/robots.txt":
        return 200, "text/plain; charset=utf-8", b"User-agent: *\nAllow: /\n"
    if path.startswith("/archivos/"):
        name = path.rsplit("/", 1)[1]
        for c in plan.collections:
            for f in c.formats:
                if name == f"{c.slug}.{f}":
                    return (200, *_file(c, f))
        return 404, HTML, b"<h1>404</h1>"
    if path in ("/", "/index.html"):
        page = _home(plan)
    elif path == "/transparencia/":
        page = _transparency(plan)
    elif path == plan.data_path:
        page = _data(plan, today)
    elif path == "/contacto/":
        page = _page(plan, "Contacto", "<p>Palacio Municipal, horario de 8:00 a 15:00 h.</p>")
    elif path == "/gobierno/":
        page = _page(plan, "Gobierno", "<p>Integrantes del ayuntamiento y dependencias municipales.</p>")
    elif path == "/noticias/":
        page = _listing(plan, "Noticias", [(f"/noticias/nota-{i}.html", f"Aviso {i + 1}") for i in range(plan.news)])
    elif path.startswith("/noticias/nota-") and path.endswith(".html"):
        i = path[len("/noticias/nota-"):-5]
        if i.isdigit() and int(i) < plan.news:
            page = _news_item(plan, int(i))
    elif path == "/tramites/" and plan.tramites:
        page = _listing(plan, "Trámites", [(f"/tramites/tramite-{i}.html", f"Trámite {i + 1}")
                                            for i in range(plan.tramites)])
    elif path.startswith("/tramites/tramite-") and path.endswith(".html"):
        i = path[len("/tramites/tramite-"):-5]
        if i.isdigit() and int(i) < plan.tramites:
            page = _page(plan, f"Trámite {int(i) + 1}", "<p>Requisitos, costo y horario del trámite.</p>")
    elif path == "/participacion/" and plan.participation:
        page = _participation(plan)
    elif path.startswith("/participacion/") and path[15:-5] in plan.participation:
        page = _page(plan, PARTICIPATION[path[15:-5]], "<p>Convocatoria vigente.</p>" + _participation_contact(plan))
    elif path == "/reportes/" and plan.report_form:
        page = _report(plan)
    elif path == "/encuesta/" and plan.survey:
        page = _survey(plan)
    if page is None:
        return 404, HTML, b"<!doctype html><title>404 No encontrado</title><h1>404 No encontrado</h1>"
    return 200, HTML, page.encode("utf-8")


@lru_cache(maxsize=1)
def national_plans(seed: int, fault_share: float = 0.06) -> dict[str, SitePlan]:
    """cvegeo -> SitePlan for all 2,478 municipalities (cheap: plans are small and pages are rendered lazily)."""
    munis = registry_municipalities()
    hosts = assign_hosts(munis)
    return {m.cvegeo: plan_site(m, hosts[m.cvegeo], seed, fault_share) for m in munis}
