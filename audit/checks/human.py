"""Checks that need (or may need) a person: readability proposals, social activity probes, human-only items."""
from __future__ import annotations

from collections.abc import Mapping
from statistics import median
from typing import Any

from audit.checks.base import (
    CheckOutcome,
    EvidenceIndex,
    Param,
    failed,
    fmt_date,
    parse_date,
    passed,
    refs,
    to_review,
)
from audit.checks.registry import check
from audit.probes import SOCIAL_ACTIVITY_FACT
from audit.result import FAIL, PASS


@check("readability", params={
    "min_score": Param((int, float), default=60, help="minimum Fernández-Huerta score (60 = normal)"),
    "max_scanned_share": Param((int, float), default=0.3, help="highest tolerated share of scanned PDFs")})
def readability(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """Proposal on plain language from Fernández-Huerta readability and the share of scanned PDFs."""
    signals = ev.of_kind("clarity")
    scores = [s.data["readability"] for s in signals if isinstance(s.data.get("readability"), int | float)]
    scans = [s.data["scanned_pdf_share"] for s in signals if isinstance(s.data.get("scanned_pdf_share"), int | float)]
    if not scores:
        return to_review("No hay medición de legibilidad: una persona debe leer el apartado de datos.",
                         signals=signals)
    value = median(scores)
    scanned = max(scans, default=0.0)
    detail = f"legibilidad Fernández-Huerta {value:.0f}/100 (mínimo {p['min_score']})"
    if scans:
        detail += f", PDF escaneados {scanned:.0%}"
    ok = value >= p["min_score"] and scanned <= p["max_scanned_share"]
    proposal = "cumple" if ok else "no cumple"
    outcome = CheckOutcome(PASS if ok else FAIL, 1.0 if ok else 0.0, f"Propuesta: {proposal} ({detail}).",
                           refs(signals), suggestion=f"Propuesta automática: {proposal} ({detail}).")
    return outcome


@check("human_only", params={"hint": Param((str,), default="", help="what the reviewer should look at")})
def human_only(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """Nothing a machine can judge: always asks for a human review."""
    hint = p["hint"] or "Este criterio requiere el juicio de una persona."
    return to_review(hint)


@check("social_activity", params={
    "days": Param((int,), default=7, help="window before the crawl"),
    "what": Param((str,), default="post", choices=("post", "interaction"),
                  help="post: the account published; interaction: it answered a citizen"),
    "kinds": Param((list,), default=["social_profile", "video_channel"],
                   choices=("social_profile", "video_channel", "mayor_profile"))})
def social_activity(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """Recent activity of the municipality's accounts, from optional probe results; else asks a reviewer."""
    accounts = ev.of_kind(p["kinds"])
    if not accounts:
        return failed("No se encontraron cuentas institucionales en redes sociales o canales de video.")
    field = "last_post_at" if p["what"] == "post" else "last_interaction_at"
    what = "publicación" if p["what"] == "post" else "interacción con un ciudadano"
    probed = [r for r in ev.facts.get(SOCIAL_ACTIVITY_FACT) or [] if isinstance(r, Mapping)]
    dates = sorted(((d, r) for r in probed if (d := parse_date(r.get(field))) is not None),
                   key=lambda pair: pair[0], reverse=True)
    urls = ", ".join(s.url for s in accounts[:5])
    if not dates:
        return to_review(f"Sin sondeo automático de {what}: revise si alguna cuenta tuvo {what} en los "
                         f"{p['days']} días previos al {fmt_date(ev.crawled_on)}: {urls}.", signals=accounts)
    newest, record = dates[0]
    age = (ev.crawled_on - newest).days
    detail = f"la más reciente el {fmt_date(newest)} en {record.get('url') or record.get('identity')}"
    if -1 <= age <= p["days"]:
        return passed(f"Hubo {what} en los últimos {p['days']} días: {detail}.", accounts)
    return failed(f"Sin {what} en los {p['days']} días previos al rastreo: {detail}.", absent=False,
                  signals=accounts)
