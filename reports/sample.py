"""Synthetic export documents for tests, benchmarks and previews (AIDH-2016-like rubric, fictional results)."""
from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

REGISTRY = Path(__file__).resolve().parent.parent / "muniaudit" / "data" / "municipios_inegi.csv"

# (category id, title, [(criterion id, title, points, mode, signal kind)])
CATEGORIES = [
    ("instrumentos", "Instrumentos de gobierno abierto", [
        ("seccion_datos_portada", "Sección de datos abiertos accesible desde la portada", 10, "auto", "open_data_section"),
        ("comunicacion_portada", "Herramienta de comunicación accesible desde la portada", 4, "auto", "communication_tool"),
    ]),
    ("actualizacion", "Actualización de la información", [
        ("actualizada_6_meses", "Actualizada en los últimos 6 meses", 5, "auto", "update_date"),
        ("dato_menor_1_mes", "Algún bloque con datos de menos de un mes", 5, "auto", "update_date"),
    ]),
    ("disponibilidad", "Disponibilidad de información", [
        ("cinco_colecciones", "Al menos 5 colecciones de datos", 5, "auto", "dataset"),
        ("categorizacion_temas", "Información organizada por temas", 4, "assisted", "dataset"),
        ("consulta_dinamica", "Herramienta de consulta dinámica", 4, "auto", "search_tool"),
    ]),
    ("claridad", "Claridad de la información", [
        ("lenguaje_sencillo", "Lenguaje sencillo", 5, "manual", "clarity"),
        ("legible_dispositivos", "Legible en cualquier dispositivo", 4, "auto", "responsive"),
    ]),
    ("utilidad", "Utilidad de la información", [
        ("util_decisiones", "Útil para tomar decisiones", 4, "manual", "dataset"),
        ("descargable", "Información descargable", 4, "auto", "dataset"),
        ("formato_reutilizable", "Formatos abiertos y reutilizables", 5, "auto", "dataset"),
        ("procesada_uso_final", "Procesada para su uso final", 3, "assisted", "dataset"),
    ]),
    ("participacion", "Participación ciudadana", [
        ("info_participacion", "Información sobre mecanismos de participación", 4, "auto", "participation"),
        ("contacto_participacion", "Contacto ligado a participación ciudadana", 4, "auto", "contact"),
        ("colaboracion", "Mecanismo de colaboración ciudadana", 4, "auto", "citizen_report_tool"),
        ("evaluacion_ciudadana", "Evaluación ciudadana del desempeño", 4, "auto", "citizen_evaluation"),
    ]),
    ("tic", "Uso intensivo de tecnologías de información", [
        ("red_social", "Cuenta activa en redes sociales", 5, "auto", "social_profile"),
        ("red_social_semana", "Actualización en la última semana", 3, "manual", "social_profile"),
        ("interaccion_semana", "Interacción con la ciudadanía en la última semana", 3, "manual", "social_profile"),
        ("cuenta_alcalde", "Cuenta del alcalde en redes sociales", 3, "auto", "mayor_profile"),
        ("canal_video", "Canal de video", 4, "auto", "video_channel"),
        ("app_movil", "Aplicación móvil", 4, "auto", "mobile_app"),
    ]),
]

WHY = "Sin este elemento la ciudadanía no puede encontrar ni reutilizar la información del municipio."
FIX = "Publique el elemento en el portal oficial y enlácelo desde la página principal."


def sample_rubric() -> dict:
    """A rubric dict in the shape render_site(rubric=...) reads (nested categories, criteria with why/how)."""
    return {
        "id": "aidh-2016", "version": "1.0", "title": "Gobierno abierto municipal (AIDH 2016)",
        "description": "Modelo de 25 aspectos de la Academia Interamericana de Derechos Humanos (mayo de 2016).",
        "categories": [{"id": cid, "title": title, "weight": sum(p for _, _, p, _, _ in crits), "criteria": [
            {"id": i, "title": t, "points": p, "mode": mode, "description": t + ".",
             "why": WHY, "how_to_fix": FIX, "sources": [{"title": "AIDH 2016", "url": "https://example.org/aidh"}]}
            for i, t, p, mode, _ in crits]} for cid, title, crits in CATEGORIES],
        "limits": ["La actividad en redes sociales se revisa por una persona."],
        "sources": ["Academia Interamericana de Derechos Humanos, ranking de gobierno abierto, 2016."],
    }


def registry(limit: int | None = None) -> list[dict]:
    """Municipalities from the shipped registry, or fictional ones when it is absent."""
    if REGISTRY.is_file():
        with open(REGISTRY, encoding="utf-8") as fh:
            rows = [{"cvegeo": r["cvegeo"], "name": r["nom_mun"], "state": r["nom_ent"], "state_code": r["cve_ent"],
                     "population": int(r["poblacion_total"] or 0)} for r in csv.DictReader(fh)]
    else:
        rows = [{"cvegeo": f"{s:02d}{m:03d}", "name": f"Municipio {s}-{m}", "state": f"Estado {s}",
                 "state_code": f"{s:02d}", "population": 1000 * m} for s in range(1, 33) for m in range(1, 78)]
    return rows[:limit] if limit else rows


def _crawl(status: str, when: datetime, pages: int) -> dict:
    iso = when.isoformat()
    return {"run_id": 1, "status": status, "started_at": iso, "finished_at": (when + timedelta(minutes=4)).isoformat(),
            "pages_seen": pages, "pages_needing_render": pages // 20, "pages_rendered": pages // 25,
            "error": None if status in ("ok", "partial") else "Tiempo de espera agotado (DNS o 5xx)"}


def municipality(base: dict, when: datetime, rng: random.Random, quality: float, status: str = "ok") -> dict:
    """One fictional audit result: criteria pass with probability `quality`; manual ones mostly await review."""
    host = f"https://www.{base['cvegeo']}.gob.example.mx"
    m = {**base, "url": host + "/", "rank": {}}
    if status in ("unreachable", "blocked", "no_url"):
        m.update(crawl=_crawl(status, when, 0 if status != "blocked" else 1), score=None, max_score=100,
                 score_status=status, pending_points=0, categories=[], criteria=[], signals=[])
        if status == "no_url":
            m["url"] = None
        return m
    stamp = when.isoformat()
    criteria, categories, signals = [], [], []
    for cid, ctitle, crits in CATEGORIES:
        got = pending = 0.0
        for crit_id, title, pts, mode, kind in crits:
            if mode == "manual" and rng.random() < 0.4:
                st, points, reviewer = "needs_review", 0, None
            else:
                roll = rng.random()
                st = "pass" if roll < quality else ("partial" if roll < quality + 0.08 else "fail")
                points = pts if st == "pass" else (round(pts / 2, 1) if st == "partial" else 0)
                reviewer = "Ana Pérez (CIMTRA)" if mode == "manual" else None
            evidence = []
            if st in ("pass", "partial"):
                url = f"{host}/{kind.replace('_', '-')}/{crit_id}"
                evidence.append({"url": url, "found_on": host + "/", "snippet": f"{title}: enlace en el portal",
                                 "captured_at": stamp})
                signals.append({"kind": kind, "url": url, "found_on": host + "/", "on_home": rng.random() < 0.5,
                                "snippet": title, "captured_at": stamp,
                                **({"platform": "facebook", "handle": f"muni{base['cvegeo']}"}
                                   if kind == "social_profile" else {})})
            got += points
            pending += pts if st == "needs_review" else 0
            criteria.append({"id": crit_id, "category": cid, "title": title, "status": st, "points": points,
                             "max_points": pts, "mode": mode, "reason": f"{title}: {st}", "reviewed_by": reviewer,
                             "suggestion": None, "evidence": evidence})
        total = sum(p for _, _, p, _, _ in crits)
        categories.append({"id": cid, "title": ctitle, "weight": total, "points": got, "max_points": total,
                           "pending_points": pending, "status": "incomplete" if pending else "complete"})
    pending_total = sum(c["pending_points"] for c in categories)
    score = round(sum(c["points"] for c in categories), 1)
    m.update(crawl=_crawl(status, when, rng.randint(5, 120)), score=score, max_score=100,
             score_status="incomplete" if pending_total else "complete", pending_points=pending_total,
             categories=categories, criteria=criteria, signals=_unique(signals))
    return m


def _unique(signals: list[dict]) -> list[dict]:
    seen, out = set(), []
    for s in signals:
        key = (s["kind"], s.get("handle") or s["url"])
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def document(munis: list[dict], when: datetime) -> dict:
    return {"schema_version": "1", "generated_at": when.isoformat(), "tool": {"name": "muniaudit", "version": "0.1.0"},
            "rubric": {"id": "aidh-2016", "version": "1.0", "title": "Gobierno abierto municipal (AIDH 2016)",
                       "hash": "sha256:0f3c9a"},
            "municipalities": munis}


def synthetic_run(base: list[dict], month: int, seed: int = 7) -> dict:
    """Run number `month` (0 = oldest) for all municipalities; quality drifts slowly month to month."""
    when = datetime(2024, 1, 3, 6, 0, tzinfo=UTC) + timedelta(days=30 * month)
    munis = []
    for b in base:
        rng = random.Random(f"{seed}:{b['cvegeo']}")
        quality, fate = rng.random() * 0.8 + 0.05, rng.random()  # same draws every month: slow, plausible drift
        status = "ok"
        if fate < 0.03 or random.Random(f"{seed}:{b['cvegeo']}:{month}").random() < 0.01:
            status = "unreachable"
        elif fate < 0.04:
            status = "blocked"
        elif fate < 0.05:
            status = "no_url"
        munis.append(municipality(b, when, rng, min(0.95, quality + 0.015 * month), status))
    return document(munis, when)


def _crit(cid: str, cat: str, title: str, status: str, points: float, max_points: float, *, mode: str = "auto",
          urls: tuple[str, ...] = (), reviewed_by: str | None = None, snippet: str = "", when: str = "") -> dict:
    return {"id": cid, "category": cat, "title": title, "status": status, "points": points, "max_points": max_points,
            "mode": mode, "reason": f"{title}.", "reviewed_by": reviewed_by, "suggestion": None,
            "evidence": [{"url": u, "found_on": u.rsplit("/", 1)[0] + "/", "snippet": snippet or title,
                          "captured_at": when} for u in urls]}


def small_municipality(cvegeo: str, name: str, state: str, points: dict[str, float], *, status: str = "complete",
                       when: str = "2024-05-03T10:00:00+00:00", population: int | None = 100_000) -> dict:
    """A hand-sized municipality with four criteria; `points` maps criterion id to points (missing = fail)."""
    host = f"https://{cvegeo}.gob.example.mx"
    specs = [("datos", "transparencia", "Sección de datos abiertos", 40, "auto"),
             ("formatos", "transparencia", "Formatos reutilizables", 20, "auto"),
             ("redes", "tic", "Cuenta en redes sociales", 20, "auto"),
             ("lenguaje", "tic", "Lenguaje sencillo", 20, "manual")]
    if status in ("unreachable", "blocked", "no_url"):
        crawl = {"run_id": 1, "status": status, "started_at": when, "finished_at": when, "pages_seen": 0,
                 "pages_needing_render": 0, "error": "DNS: no se pudo resolver el nombre"}
        return {"cvegeo": cvegeo, "name": name, "state": state, "state_code": cvegeo[:2], "population": population,
                "url": None if status == "no_url" else host + "/", "crawl": crawl, "score": None,
                "max_score": 100, "score_status": status, "pending_points": 0, "categories": [], "criteria": [],
                "signals": []}
    criteria = []
    for cid, cat, title, pts, mode in specs:
        got = points.get(cid)
        if got is None and mode == "manual" and status == "incomplete":
            criteria.append(_crit(cid, cat, title, "needs_review", 0, pts, mode=mode, when=when))
            continue
        got = got or 0
        st = "pass" if got == pts else ("partial" if got else "fail")
        criteria.append(_crit(cid, cat, title, st, got, pts, mode=mode, when=when,
                              urls=(f"{host}/{cid}",) if got else (),
                              reviewed_by="Ana Pérez" if mode == "manual" else None))
    cats = []
    for cat, title in (("transparencia", "Transparencia proactiva"), ("tic", "Tecnologías de información")):
        mine = [c for c in criteria if c["category"] == cat]
        pending = sum(c["max_points"] for c in mine if c["status"] == "needs_review")
        cats.append({"id": cat, "title": title, "weight": 60 if cat == "transparencia" else 40,
                     "points": sum(c["points"] for c in mine), "max_points": sum(c["max_points"] for c in mine),
                     "pending_points": pending, "status": "incomplete" if pending else "complete"})
    signals = [{"kind": "social_profile", "url": f"https://facebook.com/muni{cvegeo}", "found_on": host + "/",
                "on_home": True, "platform": "facebook", "handle": f"muni{cvegeo}", "captured_at": when}
               ] if points.get("redes") else []
    signals += [{"kind": "dataset", "url": c["evidence"][0]["url"], "found_on": host + "/", "on_home": False,
                 "captured_at": when} for c in criteria if c["id"] == "formatos" and c["evidence"]]
    return {"cvegeo": cvegeo, "name": name, "state": state, "state_code": cvegeo[:2], "population": population,
            "url": host + "/", "crawl": {"run_id": 1, "status": "ok", "started_at": when, "finished_at": when,
                                         "pages_seen": 42, "pages_needing_render": 3, "pages_rendered": 2,
                                         "error": None},
            "score": sum(c["points"] for c in criteria), "max_score": 100, "score_status": status,
            "pending_points": sum(c["pending_points"] for c in cats), "categories": cats, "criteria": criteria,
            "signals": signals}


def small_document(when: str = "2024-05-03T10:00:00+00:00") -> dict:
    """Six municipalities in three states: complete, incomplete (pending review), unreachable, no website."""
    return document([
        small_municipality("14097", "Tlajomulco de Zúñiga", "Jalisco",
                           {"datos": 40, "formatos": 20, "redes": 20, "lenguaje": 11}, when=when, population=727_750),
        small_municipality("14039", "Guadalajara", "Jalisco", {"datos": 40, "redes": 20}, when=when,
                           population=1_385_629),
        small_municipality("15106", "Toluca", "México", {"datos": 40, "formatos": 10}, status="incomplete",
                           when=when, population=910_608),
        small_municipality("15033", "Ecatepec de Morelos", "México", {}, status="unreachable", when=when,
                           population=1_645_352),
        small_municipality("31050", "Mérida", "Yucatán", {"redes": 20}, when=when, population=995_129),
        small_municipality("31041", "Kanasín", "Yucatán", {}, status="no_url", when=when, population=78_709),
    ], datetime.fromisoformat(when))


def small_rubric() -> dict:
    """The rubric of small_document(), flat-criteria style, with why/how-to-fix texts and sources."""
    crit = [("datos", "transparencia", "Sección de datos abiertos", 40, "auto"),
            ("formatos", "transparencia", "Formatos reutilizables", 20, "auto"),
            ("redes", "tic", "Cuenta en redes sociales", 20, "auto"),
            ("lenguaje", "tic", "Lenguaje sencillo", 20, "manual")]
    return {
        "id": "aidh-2016", "version": "1.0", "title": "Gobierno abierto municipal (AIDH 2016)",
        "description": "Versión reducida para pruebas.",
        "categories": [{"id": "transparencia", "title": "Transparencia proactiva", "weight": 60},
                       {"id": "tic", "title": "Tecnologías de información", "weight": 40}],
        "criteria": [{"id": i, "category": c, "title": t, "points": p, "mode": mode,
                      "description": f"¿{t}?", "why": f"{t}: {WHY}", "how_to_fix": FIX,
                      "sources": [{"title": "AIDH 2016", "url": "https://example.org/aidh"}]}
                     for i, c, t, p, mode in crit],
        "limits": ["La actividad en redes sociales se revisa por una persona."],
        "sources": ["Academia Interamericana de Derechos Humanos, ranking de gobierno abierto, 2016."],
    }


def uncertain_document(when: str = "2024-05-03T10:00:00+00:00", browser: bool | None = False) -> dict:
    """small_document() plus municipalities whose pending points come from each cause (issue #12): a
    JavaScript-only site crawled without a browser, a partial crawl, blocked pages; `browser` is written as the
    optional run.browser.available (None leaves the field out, as in documents from before it existed)."""
    doc = small_document(when)

    def pending_auto(m: dict, ids: tuple[str, ...]) -> dict:
        """The auto criteria `ids` could not be decided: their absence is unconfirmed (needs_review, 0 points)."""
        for c in m["criteria"]:
            if c["id"] in ids:
                c.update(status="needs_review", points=0, evidence=[],
                         reason="No se puede confirmar la ausencia: el rastreo fue incompleto.")
        for cat in m["categories"]:
            mine = [c for c in m["criteria"] if c["category"] == cat["id"]]
            cat["points"] = sum(c["points"] for c in mine)
            cat["pending_points"] = sum(c["max_points"] for c in mine if c["status"] == "needs_review")
            cat["status"] = "incomplete" if cat["pending_points"] else "complete"
        m["score"] = sum(c["points"] for c in m["criteria"])
        m["pending_points"] = sum(c["pending_points"] for c in m["categories"])
        m["score_status"] = "incomplete" if m["pending_points"] else "complete"
        return m

    js = small_municipality("02004", "Tijuana", "Baja California", {"redes": 20}, status="incomplete", when=when,
                            population=1_922_523)
    js["crawl"].update(pages_seen=3, pages_needing_render=2, pages_rendered=0)
    partial = small_municipality("19039", "Monterrey", "Nuevo León", {"datos": 40, "redes": 20}, when=when,
                                 population=1_142_994)
    partial["crawl"].update(status="partial", pages_needing_render=0)
    blocked = small_municipality("21114", "Puebla", "Puebla", {"datos": 40}, when=when, population=1_692_181)
    blocked["crawl"].update(pages_blocked=4, pages_needing_render=0)
    doc["municipalities"] += [pending_auto(js, ("datos", "formatos")), pending_auto(partial, ("formatos",)),
                              pending_auto(blocked, ("redes",))]
    if browser is not None:
        doc["run"] = {"browser": {"available": browser, "reason": None if browser else "Chromium no encontrado"}}
    return doc
