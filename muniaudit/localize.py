"""The export document in one language: rubric texts from the rubric's `es:`/`en:` entries and audit reasons
rendered from their message keys (audit.messages), so `report --lang en` is English throughout.

Stored results keep their Spanish `reason`; a result stored before reasons had messages keeps that text.
"""
from __future__ import annotations

from typing import Any

from audit.messages import render


def localize_document(document: dict[str, Any], rubric: Any, lang: str) -> dict[str, Any]:
    """`document` with criterion and category titles, reasons and suggestions in `lang` (changed in place)."""
    criteria = {c.id: c for c in rubric.criteria}
    categories = {c.id: c for c in rubric.categories}
    for municipality in document.get("municipalities", []):
        for category in municipality.get("categories") or []:
            known = categories.get(category.get("id"))
            if known is not None:
                category["title"] = known.title.get(lang)
        for criterion in municipality.get("criteria") or []:
            localize_criterion(criterion, criteria.get(criterion.get("id")), lang)
    return document


def localize_criterion(criterion: dict[str, Any], rubric_criterion: Any, lang: str) -> dict[str, Any]:
    if rubric_criterion is not None:
        criterion["title"] = rubric_criterion.title.get(lang)
    if criterion.get("message"):
        criterion["reason"] = render(criterion["message"], lang)
    if criterion.get("suggestion_message"):
        criterion["suggestion"] = render(criterion["suggestion_message"], lang)
    return criterion
