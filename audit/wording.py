"""Spanish words for the codes the crawler attaches to graded signals (placement, page roles, reasons).

The crawler records codes (`navigation/menu`, `article`, `target_not_crawled`); the audit writes its reasons in
the rubric's language from these tables (audit.messages pairs them with English), and the reports use the same
words (reports/i18n.py translates them).
"""
from __future__ import annotations

from store.vocabulary import PLACEMENT_ES, ROLE_ES  # noqa: F401  (shared with reports; re-exported)

REASON_ES = {
    "target_not_crawled": "la página enlazada no se rastreó (presupuesto agotado, bloqueo o falla)",
    "target_not_read": "la página enlazada no es una página HTML legible",
    "target_empty": "la página enlazada se nombra como el apartado pero no muestra contenido",
    "target_unclear": "la página enlazada ofrece enlaces o archivos pero no se identifica como el apartado",
    "target_unrelated": "la página enlazada no se identifica como el apartado ni ofrece contenido",
    "target_under_construction": "la página enlazada dice estar en construcción",
    "target_prose_only": "la página enlazada habla del tema pero no ofrece archivos, datos ni apartados",
    "target_is_article": "el menú del sitio lleva a una nota o artículo, no a un apartado",
    "target_is_listing": "el menú del sitio lleva a un listado de notas o etiquetas, no a un apartado",
    "named_in_context": "el texto junto a la insignia nombra al municipio, pero ni la app ni su enlace lo hacen",
    "official_portal": "portal oficial de transparencia enlazado desde la navegación del sitio",
}

