"""Reference evidence profiles that calibrate the AIDH 2016 rubric (see docs/calibration.md).

- `tlajomulco_2016()`: what the AIDH 2016 report says of Tlajomulco de Zúñiga (first place, 91/100): every
  aspect except (o) contact tied to participation, (p) citizen collaboration mechanism and (w) mobile app, with
  the human reviews that profile implies for (h), (j), (m), (s) and (t).
- `social_only()`: a site with transparency obligations, social media and video but no open-data section (the
  IMCO-perfect municipalities that scored 27 or less).
- `everything_but_data_section()`: the best a site without an open-data section can do.
"""
from __future__ import annotations

from datetime import datetime

from audit.evidence import CRAWL_OK, Evidence, EvidenceSignal, Review

CRAWLED_AT = datetime(2016, 5, 10, 12, 0, 0)
REVIEWED_AT = datetime(2016, 5, 18, 10, 0, 0)
HOME = "https://www.tlajomulco.gob.mx/"


def sig(signal_kind: str, url: str, /, on_home: bool = False, found_on: str = HOME,
        **data: object) -> EvidenceSignal:
    return EvidenceSignal(kind=signal_kind, url=url, found_on=found_on, on_home=on_home, data=dict(data),
                          captured_at=CRAWLED_AT)


def review(criterion_id: str, decision: str = "pass", note: str = "") -> Review:
    return Review(criterion_id=criterion_id, decision=decision, reviewer="auditora.cimtra",
                  reviewed_at=REVIEWED_AT, note=note)


def data_section_signals(base: str = HOME) -> list[EvidenceSignal]:
    """An open-data section linked from home, current, with 5 collections in 3 topics, CSV/XLSX, searchable."""
    section = base + "datos-abiertos"
    files = [
        ("finanzas", "presupuesto", "presupuesto-2016.csv", "csv"),
        ("finanzas", "nomina", "nomina-abril-2016.xlsx", "xlsx"),
        ("obras", "obra publica", "obras-2016.csv", "csv"),
        ("obras", "licitaciones", "licitaciones-2016.json", "json"),
        ("servicios", "tramites", "tramites.csv", "csv"),
        ("servicios", "tramites", "catalogo-tramites.pdf", "pdf"),
    ]
    out = [sig("open_data_section", section, on_home=True, label="Transparencia focalizada", external=False,
               portal=None, depth=0),
           sig("update_date", section, found_on=section, date="2016-04-20", source="page_text", scope="data_section"),
           sig("update_date", section + "/nomina", found_on=section, date="2016-05-02", source="page_text",
               scope="dataset"),
           sig("search_tool", section + "/buscar", found_on=section, scope="data_section", dynamic=True,
               action=section + "/buscar"),
           sig("clarity", section, found_on=section, readability=68.0, scanned_pdf_share=0.05, needs_human=True),
           sig("responsive", base, on_home=True, viewport=True)]
    for topic, collection, name, fmt in files:
        out.append(sig("dataset", f"{section}/{name}", found_on=section, format=fmt,
                       machine_readable=fmt != "pdf", in_data_section=True, collection=collection, topic=topic))
    return out


def social_signals(base: str = HOME) -> list[EvidenceSignal]:
    return [
        sig("social_profile", "https://www.facebook.com/GobiernoTlajomulco", on_home=True, platform="facebook",
            handle="gobiernotlajomulco", identity="facebook:gobiernotlajomulco", via="link"),
        sig("social_profile", "https://x.com/tlajomulco", on_home=True, platform="x", handle="tlajomulco",
            identity="x:tlajomulco", via="link"),
        sig("video_channel", "https://www.youtube.com/channel/UCaaaaaaaaaaaaaaaaaaaaaa", on_home=True,
            platform="youtube", kind="channel", identity="youtube:UCaaaaaaaaaaaaaaaaaaaaaa"),
        sig("mayor_profile", "https://www.facebook.com/AlcaldeTlajomulco", on_home=False, platform="facebook",
            handle="alcaldetlajomulco", identity="facebook:alcaldetlajomulco", via="link", person="Alcalde"),
    ]


def tlajomulco_2016() -> Evidence:
    signals = [
        *data_section_signals(),
        *social_signals(),
        sig("communication_tool", HOME + "atencion-ciudadana", on_home=True, type="form"),
        sig("participation", HOME + "presupuesto-participativo", on_home=True, type="presupuesto_participativo",
            platform=None),
        sig("citizen_evaluation", HOME + "evalua", type="survey"),
        sig("contact", "mailto:contacto@tlajomulco.gob.mx", on_home=True, type="email",
            value="contacto@tlajomulco.gob.mx", participation_related=False),
        sig("transparency_section", HOME + "transparencia", on_home=True, label="Transparencia", external=False,
            target="site"),
    ]
    reviews = {r.criterion_id: r for r in (
        review("h_lenguaje_entendible", note="Textos claros, con glosario de siglas."),
        review("j_util_para_decidir", note="Presupuesto y obra por colonia permiten vigilar y decidir."),
        review("m_procesada_uso_final", note="Tablas limpias con descripción de campos."),
        review("s_actualizacion_semana", note="Publicaciones diarias en Facebook."),
        review("t_interaccion_semana", note="Respuestas a comentarios ciudadanos en Facebook."),
    )}
    return Evidence(cvegeo="14097", crawl_status=CRAWL_OK, crawled_at=CRAWLED_AT, signals=signals,
                    pages_seen=140, reviews=reviews)


def social_only() -> Evidence:
    """Transparency obligations, social media, video and the mayor's account; no open-data section."""
    base = "https://www.metepec.gob.mx/"
    signals = [
        *social_signals(base),
        sig("transparency_section", base + "transparencia", on_home=True, found_on=base, label="Transparencia",
            external=False, target="site"),
        sig("transparency_section", "https://www.plataformadetransparencia.org.mx/", on_home=True, found_on=base,
            label="PNT", external=True, target="pnt"),
        sig("contact", "tel:+527222000000", on_home=True, found_on=base, type="phone", value="722 200 0000",
            participation_related=False),
        sig("responsive", base, on_home=True, found_on=base, viewport=True),
    ]
    reviews = {r.criterion_id: r for r in (review("s_actualizacion_semana"), review("t_interaccion_semana", "fail"))}
    return Evidence(cvegeo="15054", crawl_status=CRAWL_OK, crawled_at=CRAWLED_AT, signals=signals,
                    pages_seen=80, reviews=reviews)


def everything_but_data_section() -> Evidence:
    """Every aspect that does not depend on an open-data section passes."""
    evidence = tlajomulco_2016()
    evidence.signals = [s for s in evidence.signals if s.kind not in (
        "open_data_section", "dataset", "update_date", "search_tool", "clarity")]
    evidence.signals += [
        sig("citizen_report_tool", HOME + "reporta", on_home=True, type="form"),
        sig("contact", "tel:+523332834400", type="phone", value="33 3283 4400", participation_related=True),
        sig("mobile_app", "https://play.google.com/store/apps/details?id=mx.gob.tlajomulco", store="google_play",
            app_id="mx.gob.tlajomulco", identity="google_play:mx.gob.tlajomulco"),
    ]
    evidence.reviews = {k: v for k, v in evidence.reviews.items() if k.startswith(("s_", "t_"))}
    return evidence
