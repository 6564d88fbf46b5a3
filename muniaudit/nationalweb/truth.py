"""Ground truth of the national web: what each site holds, and the AIDH-2016 verdict it should get.

The expected status of each auto criterion follows from the features the generator put on the site and the
rubric's rule for that criterion (see docs/national-scale.md, "Ground truth"). Faulty sites must be recorded as
unreachable, and then every criterion is `error` (never a 0 for what could not be seen).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from muniaudit.nationalweb.generator import SitePlan

MACHINE_READABLE = {"csv", "json", "xlsx"}
FRESH_DAYS, BLOCK_DAYS, MIN_COLLECTIONS = 183, 31, 5


def site_facts(plan: SitePlan) -> dict[str, object]:
    """The AIDH-relevant features of one site, as plain data (what a human auditor would find)."""
    formats = {f for c in plan.collections for f in c.formats}
    return {
        "reachable": plan.fault is None, "fault": plan.fault,
        "open_data_section": plan.data_section != "none", "open_data_on_home": plan.data_section == "home",
        "collections": len(plan.collections), "formats": sorted(formats),
        "machine_readable": bool(formats & MACHINE_READABLE),
        "newest_dataset_age_days": min((c.age_days for c in plan.collections), default=None),
        "section_age_days": plan.section_age_days, "data_search": plan.data_search,
        "organised_by_topics": _organised(plan), "viewport": plan.viewport,
        "participation": list(plan.participation), "participation_contact": plan.participation_contact,
        "report_form": plan.report_form, "survey": plan.survey, "email": plan.email, "phone": plan.phone,
        "social_accounts": [f"{p}:{h}" for p, h in plan.accounts], "mayor_account": plan.mayor is not None,
        "video": plan.video_embed is not None or any(p == "youtube" for p, _ in plan.accounts),
        "apps": [s for s, _ in plan.apps],
    }


def _organised(plan: SitePlan) -> bool:
    """Two or more topics and one topic with two or more collections (h2 topic / h3 collection layout)."""
    if plan.data_layout != "topics":
        return False
    per_topic = Counter(c.topic for c in plan.collections)
    return len(per_topic) >= 2 and max(per_topic.values()) >= 2


def expected_statuses(plan: SitePlan) -> dict[str, str]:
    """criterion id -> expected status (pass, partial, fail, needs_review, error) for the auto criteria."""
    if plan.fault is not None:
        return dict.fromkeys(AUTO_CRITERIA, "error")
    data = plan.data_section != "none"

    def ok(flag: bool) -> str:
        return "pass" if flag else "fail"

    def gated(flag: bool) -> str:                     # criteria that require the open-data section
        return ok(data and flag)

    ages = [c.age_days for c in plan.collections]
    newest = min([*ages, *([plan.section_age_days] if plan.section_age_days is not None else [])], default=9999)
    formats = {f for c in plan.collections for f in c.formats}
    social = bool(plan.accounts)
    return {
        "a_apartado_datos_inicio": ok(plan.data_section == "home"),
        "b_comunicacion_inicio": ok(plan.email is not None),
        "c_actualizado_6_meses": gated(newest <= FRESH_DAYS),
        "d_bloque_menor_un_mes": gated(min(ages, default=9999) <= BLOCK_DAYS),
        "e_cinco_colecciones": gated(len(plan.collections) >= MIN_COLLECTIONS),   # all-or-nothing in the rubric
        "f_temas_subtemas": gated(_organised(plan)),
        "g_consulta_dinamica": gated(plan.data_search),
        "i_legible_cualquier_dispositivo": gated(plan.viewport),
        "k_descargable": gated(bool(formats)),
        "l_formato_reutilizable": gated(bool(formats & MACHINE_READABLE)),
        "n_mecanismos_participacion": ok(bool(plan.participation)),
        "o_contacto_participacion": ok(bool(plan.participation) and plan.participation_contact),
        "p_colaboracion_informacion": ok(plan.report_form),
        "q_evaluacion_ciudadana": ok(plan.survey),
        "r_redes_sociales": ok(social),
        "s_actualizacion_semana": "needs_review" if social or plan.video_embed else "fail",
        "t_interaccion_semana": "needs_review" if social else "fail",
        "u_cuenta_alcalde": ok(plan.mayor is not None),
        "v_canal_video": ok(plan.video_embed is not None or any(p == "youtube" for p, _ in plan.accounts)),
        "w_app_movil": ok(bool(plan.apps)),
    }


AUTO_CRITERIA = (
    "a_apartado_datos_inicio", "b_comunicacion_inicio", "c_actualizado_6_meses", "d_bloque_menor_un_mes",
    "e_cinco_colecciones", "f_temas_subtemas", "g_consulta_dinamica", "i_legible_cualquier_dispositivo",
    "k_descargable", "l_formato_reutilizable", "n_mecanismos_participacion", "o_contacto_participacion",
    "p_colaboracion_informacion", "q_evaluacion_ciudadana", "r_redes_sociales", "s_actualizacion_semana",
    "t_interaccion_semana", "u_cuenta_alcalde", "v_canal_video", "w_app_movil",
)


@dataclass
class Accuracy:
    """Agreement between audited statuses and the ground truth."""

    checked: int = 0
    correct: int = 0
    sites: int = 0
    crawl_status_correct: int = 0
    per_criterion: dict[str, list[int]] = field(default_factory=dict)     # id -> [correct, checked]
    mismatches: list[dict] = field(default_factory=list)

    @property
    def value(self) -> float:
        return self.correct / self.checked if self.checked else 0.0

    def as_dict(self, max_mismatches: int = 10) -> dict:
        return {
            "accuracy": round(self.value, 4), "criteria_checked": self.checked, "sites": self.sites,
            "crawl_status_accuracy": round(self.crawl_status_correct / self.sites, 4) if self.sites else 0.0,
            "per_criterion": {k: round(c / n, 4) for k, (c, n) in sorted(self.per_criterion.items())},
            "mismatches": self.mismatches[:max_mismatches],
        }


def compare(municipalities: Iterable[Mapping], plans: Mapping[str, SitePlan]) -> Accuracy:
    """Compare the export document's municipalities (with criteria) to the plans of the same cvegeos."""
    acc = Accuracy()
    for muni in municipalities:
        plan = plans.get(muni["cvegeo"])
        if plan is None:
            continue
        acc.sites += 1
        crawl_status = (muni.get("crawl") or {}).get("status")
        acc.crawl_status_correct += (crawl_status == "unreachable") == (plan.fault is not None)
        got = {c["id"]: c["status"] for c in muni.get("criteria") or []}
        for crit, want in expected_statuses(plan).items():
            have = got.get(crit, "missing")
            tally = acc.per_criterion.setdefault(crit, [0, 0])
            tally[1] += 1
            acc.checked += 1
            if have == want:
                tally[0] += 1
                acc.correct += 1
            else:
                acc.mismatches.append({"cvegeo": plan.muni.cvegeo, "host": plan.host, "criterion": crit,
                                       "expected": want, "got": have})
    return acc
