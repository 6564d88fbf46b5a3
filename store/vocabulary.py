"""Spanish words for the codes the crawler records on graded signals: link placement and page roles.

They sit in the bottom room because two sibling rooms use them: the audit writes its reasons with them
(audit.wording, audit.messages) and the reports translate the same words (reports/i18n.py); siblings may not
import each other (docs/architecture.md, "Rooms and doors").
"""
from __future__ import annotations

PLACEMENT_ES = {
    "menu": "enlace en el menú principal", "header": "enlace en la cabecera", "footer": "enlace en el pie de página",
    "sidebar": "enlace en la barra lateral", "site_block": "enlace en un bloque propio del sitio",
    "home": "enlace en la portada", "main": "enlace en el cuerpo de la página",
    "article_body": "enlace dentro de un artículo", "teaser": "enlace en el resumen de una nota",
    "byline": "enlace en la firma de un autor", "comments": "enlace en comentarios",
    "related": "enlace en notas relacionadas", "share": "botón para compartir", "person": "enlace en la ficha de una persona",
}
ROLE_ES = {
    "home": "página de tipo portada", "hub": "página de tipo centro de sección",
    "dataset_listing": "página de tipo lista de conjuntos de datos", "document_list": "página de tipo lista de documentos",
    "article": "página de tipo artículo", "listing": "página de tipo listado de notas o etiquetas",
    "form": "página de tipo formulario o herramienta", "person": "página de tipo perfil de una persona",
    "error": "página de tipo error", "page": "página de tipo contenido",
}
