"""Message catalogue: templates are written in Spanish; `_()` looks up the English text when lang="en".

Placeholders use str.format names: _("{n} municipios", n=3). A unit test checks every template string
has an English entry, so a missing translation is caught before it ships.
"""
from __future__ import annotations

from collections.abc import Callable

from store.kinds import KINDS
from store.vocabulary import PLACEMENT_ES, ROLE_ES

LANGUAGES = ("es", "en")

SCORE_STATUS = {"complete": "Completo", "incomplete": "Incompleto", "unreachable": "Sitio no disponible",
                "blocked": "Sitio bloqueado", "no_url": "Sin sitio web registrado", "not_audited": "No auditado"}
CRIT_STATUS = {"pass": "Cumple", "partial": "Cumple en parte", "fail": "No cumple", "not_applicable": "No aplica",
               "needs_review": "Pendiente de revisión", "error": "No verificable", "informative": "Informativo"}
CRAWL_STATUS = {"ok": "Completo", "partial": "Parcial", "unreachable": "Sitio no disponible",
                "blocked": "Bloqueado (CAPTCHA, reto o robots.txt)", "no_url": "Sin sitio web registrado",
                "error": "Error del rastreador"}
# Why a site's crawl ended (crawler.frontier.stop_reason)
STOP_REASON = {"decided": "todos los criterios automáticos decididos",
               "no_candidates": "sin candidatos: no quedaban enlaces que pudieran llevar a evidencia",
               "budget": "presupuesto de páginas agotado: quedaban enlaces sin revisar",
               "host_unresponsive": "el sitio dejó de responder: quedaban páginas sin pedir"}
MODE = {"auto": "Automático", "assisted": "Asistido", "manual": "Manual", "informative": "Informativo"}
SIGNAL_KIND = {kind.name: kind.title_es for kind in KINDS}    # short labels from store.kinds

PLACEMENT = PLACEMENT_ES       # link placement region -> words (store.vocabulary: one set of words for reasons and pages)
PAGE_ROLE = ROLE_ES

EN: dict[str, str] = {
    "Fin del rastreo": "End of the crawl",
    "todos los criterios automáticos decididos": "every automatic criterion decided",
    "sin candidatos: no quedaban enlaces que pudieran llevar a evidencia":
        "no candidates: no link left that could lead to evidence",
    "presupuesto de páginas agotado: quedaban enlaces sin revisar": "page budget spent: links were left unread",
    "el sitio dejó de responder: quedaban páginas sin pedir": "the site stopped answering: pages were left unasked",
    "Publicación parcial.": "Partial publication.",
    "El rastreo de esta corrida no terminó: {n} municipios no se revisaron y se muestran como no revisados, no con 0.":
        "This run's crawl did not finish: {n} municipalities were not checked and are shown as not checked, not as 0.",
    # link placement and page roles (store.vocabulary)
    "enlace en el menú principal": "link in the main menu", "enlace en la cabecera": "link in the header",
    "enlace en el pie de página": "link in the footer", "enlace en la barra lateral": "link in the sidebar",
    "enlace en un bloque propio del sitio": "link in one of the site's own blocks",
    "enlace en la portada": "link on the home page", "enlace en el cuerpo de la página": "link in the page body",
    "enlace dentro de un artículo": "link inside an article", "enlace en el resumen de una nota": "link in a news teaser",
    "enlace en la firma de un autor": "link in an author's byline", "enlace en comentarios": "link in comments",
    "enlace en notas relacionadas": "link in related posts", "botón para compartir": "share button",
    "enlace en la ficha de una persona": "link in a person's card",
    "página de tipo portada": "home page", "página de tipo centro de sección": "section hub page",
    "página de tipo lista de conjuntos de datos": "dataset listing page",
    "página de tipo lista de documentos": "document list page", "página de tipo artículo": "article page",
    "página de tipo listado de notas o etiquetas": "post or tag listing page",
    "página de tipo formulario o herramienta": "form or tool page", "página de tipo perfil de una persona": "person page",
    "página de tipo error": "error page", "página de tipo contenido": "content page",
    "en {role}": "on a {role}", "destino: {role}": "target: {role}", "confianza {c}": "confidence {c}",
    # labels
    "Completo": "Complete", "Incompleto": "Incomplete", "incompleto": "incomplete",
    "Sitio no disponible": "Site unavailable", "Sitio bloqueado": "Site blocked",
    "Sin sitio web registrado": "No website on record", "No auditado": "Not audited",
    "Cumple": "Passed", "Cumple en parte": "Partly passed", "No cumple": "Failed", "No aplica": "Not applicable",
    "Pendiente de revisión": "Awaiting review", "No verificable": "Could not be checked", "Informativo": "Informational",
    "Parcial": "Partial", "Bloqueado (CAPTCHA, reto o robots.txt)": "Blocked (CAPTCHA, challenge or robots.txt)",
    "Error del rastreador": "Crawler error",
    "Automático": "Automatic", "Asistido": "Assisted", "Manual": "Manual",
    "Muy bajo": "Very low", "Bajo": "Low", "Medio": "Medium", "Alto": "High", "Muy alto": "Very high",
    "Menos de 15 mil": "Under 15,000", "15 mil a 50 mil": "15,000 to 50,000", "50 mil a 100 mil": "50,000 to 100,000",
    "100 mil a 500 mil": "100,000 to 500,000", "500 mil o más": "500,000 or more",
    "Por mejorar": "To fix", "Cumplidos": "Passed",
    "Pendientes de revisión humana o no verificables": "Awaiting human review or could not be checked",
    "Informativos (no suman puntos)": "Informational (no points)",
    # layout and pages
    "Saltar al contenido": "Skip to content", "Secciones": "Sections", "Ranking nacional": "National ranking",
    "Metodología": "Methodology", "Datos abiertos": "Open data",
    "Generado el {date} con la rúbrica {rubric} (versión {version}).":
        "Generated on {date} with the rubric {rubric} (version {version}).",
    "Los puntajes se calculan automáticamente a partir de lo que el rastreador vio en cada sitio; cada punto tiene "
    "evidencia enlazada. Un sitio que no respondió no recibe 0: se marca como no disponible.":
        "Scores are computed automatically from what the crawler saw on each site; every point links to its "
        "evidence. A site that did not respond does not get 0: it is marked as unavailable.",
    "Hay puntos pendientes de revisión": "Some points are awaiting review",
    "Puntaje (0–100)": "Score (0–100)", "Número de municipios por tramo de 10 puntos.":
        "Number of municipalities per 10-point band.",
    "{n} sitios no pudieron evaluarse y no aparecen en la gráfica.":
        "{n} sites could not be assessed and are not in the chart.",
    "Lugar": "Rank", "Municipio": "Municipality", "Estado": "State", "Lugar nacional": "National rank",
    "Población": "Population", "Puntaje": "Score", "Nivel": "Level", "Cambio": "Change", "Todos": "All",
    "Todas": "All", "Sin puntaje (sitio no disponible)": "No score (site unavailable)",
    "Buscar municipio": "Search municipality",
    "Ranking nacional de gobierno abierto municipal": "National ranking of municipal open government",
    "{scored} de {total} municipios evaluados con la rúbrica «{rubric}». Puntaje de 0 a 100; cada punto está "
    "respaldado por evidencia enlazada en la ficha del municipio.":
        "{scored} of {total} municipalities assessed with the rubric “{rubric}”. Scores run from 0 to 100; every "
        "point is backed by evidence linked from the municipality's page.",
    "La corrida anterior usó otra versión de la rúbrica: los cambios pueden deberse a la rúbrica y no al sitio.":
        "The previous run used another rubric version: changes may come from the rubric, not the site.",
    "Distribución de puntajes": "Score distribution", "Por estado": "By state",
    "Evaluados": "Assessed", "Promedio": "Average",
    "Mayores cambios desde la corrida anterior": "Biggest changes since the previous run",
    "ahora {score}": "now {score}", "Ranking": "Ranking",
    "Ordene con los botones de los encabezados; filtre por estado, tamaño de población o nivel. Los datos "
    "completos están en «Datos abiertos».":
        "Sort with the header buttons; filter by state, population size or level. The full data are under "
        "“Open data”.",
    "Municipios ordenados por puntaje": "Municipalities by score",
    "Ranking de {state}": "Ranking of {state}",
    "{scored} de {n} municipios evaluados. Promedio estatal: {mean}.":
        "{scored} of {n} municipalities assessed. State average: {mean}.",
    "Ranking estatal": "State ranking", "Municipios de {state} ordenados por puntaje":
        "Municipalities of {state} by score",
    # municipality page
    "Clave INEGI": "INEGI code", "Sitio": "Website", "sin sitio web registrado": "no website on record",
    "Resultado": "Result",
    "No se asignan puntos a un sitio que no se pudo revisar: esto no equivale a 0 puntos.":
        "A site that could not be checked gets no points: this is not the same as 0 points.",
    "Detalle técnico": "Technical detail",
    "{p} puntos pendientes de revisión humana o no verificables: el puntaje puede subir.":
        "{p} points await human review or could not be checked: the score may go up.",
    "{r} de {n}": "{r} of {n}", "Lugar en el estado": "State rank",
    "Cambio desde la corrida anterior": "Change since the previous run",
    "Puntos decididos por una persona": "Points decided by a person",
    "{n} criterios ({p} puntos)": "{n} criteria ({p} points)", "1 criterio ({p} puntos)": "1 criterion ({p} points)", "{max} puntos pendientes": "{max} points pending", "ninguno": "none",
    "Historial": "History", "Puntaje por corrida": "Score per run", "sin dato": "no data",
    "Los huecos son corridas en las que el sitio no pudo evaluarse.":
        "Gaps are runs in which the site could not be assessed.",
    "Qué cambió desde la corrida anterior": "What changed since the previous run",
    "Sin cambios en criterios ni en señales.": "No changes in criteria or signals.",
    "Criterios que ganaron puntos": "Criteria that gained points",
    "Criterios que perdieron puntos": "Criteria that lost points", "Señales nuevas": "New signals",
    "Señales que desaparecieron": "Signals that disappeared", "y {n} más": "and {n} more",
    "Puntaje por categoría": "Score by category", "{p} de {max} puntos": "{p} of {max} points",
    "{p} pendientes": "{p} pending", "Criterios": "Criteria",
    "No hay resultados por criterio porque el sitio no pudo revisarse.":
        "There are no criterion results because the site could not be checked.",
    "{p} de {max}": "{p} of {max}", "Modo": "Mode", "Decidido por revisor(a): {who}": "Decided by reviewer: {who}",
    "Propuesta automática": "Machine proposal", "Por qué importa": "Why it matters", "Cómo mejorarlo": "How to fix it",
    "capturado el {d}": "captured on {d}", "enlazado desde": "linked from",
    "y {n} más en los datos abiertos": "and {n} more in the open data",
    "Sin evidencia: el rastreador no encontró esto en las páginas revisadas.":
        "No evidence: the crawler did not find this on the pages it checked.",
    "Datos del rastreo": "Crawl facts", "Estado del rastreo": "Crawl status", "Fecha": "Date",
    "Páginas revisadas": "Pages checked", "Páginas que requieren JavaScript": "Pages needing JavaScript",
    "{n} renderizadas con navegador": "{n} rendered with a browser", "Páginas sin respuesta": "Unreachable pages",
    "Páginas bloqueadas": "Blocked pages", "Error": "Error", "Señales registradas": "Recorded signals",
    "Mostrar todas las señales que encontró el rastreador": "Show every signal the crawler found",
    "Tipo": "Kind", "Dirección": "Address", "En portada": "On home page", "Capturado": "Captured",
    "sí": "yes", "no": "no", "Descargas": "Downloads", "diccionario de datos": "data dictionary",
    # methodology
    "Rúbrica «{title}», identificador {id}, versión {version}.": "Rubric “{title}”, id {id}, version {version}.",
    "Huella": "Fingerprint", "Cómo se calcula el puntaje": "How the score is computed",
    "Cada mes un rastreador visita el sitio oficial de cada municipio con un presupuesto limitado de páginas, "
    "respeta robots.txt y registra lo que ve: páginas, enlaces y señales (perfiles en redes sociales, secciones de "
    "datos abiertos, conjuntos de datos, mecanismos de participación, etc.).":
        "Every month a crawler visits each municipality's official website with a limited page budget, obeys "
        "robots.txt and records what it sees: pages, links and signals (social media profiles, open data "
        "sections, datasets, participation mechanisms, etc.).",
    "La rúbrica convierte esas señales en criterios cumplidos o no cumplidos. Cada criterio vale una cantidad de "
    "puntos y el total va de 0 a 100.":
        "The rubric turns those signals into criteria passed or failed. Each criterion is worth some points and "
        "the total runs from 0 to 100.",
    "Algunos aspectos no se pueden juzgar automáticamente (por ejemplo, si el lenguaje es claro). Esos criterios "
    "quedan «pendientes de revisión humana» hasta que una persona los revisa; la ficha indica qué puntos decidió "
    "una persona.":
        "Some aspects cannot be judged automatically (for example, whether the language is plain). Those criteria "
        "stay “awaiting human review” until a person reviews them; each page shows which points a person decided.",
    "Un sitio que no respondió, que bloqueó al rastreador o que no está registrado no recibe 0 puntos: se marca "
    "como no disponible y no entra al ranking.":
        "A site that did not respond, blocked the crawler or is not on record does not get 0 points: it is marked "
        "unavailable and left out of the ranking.",
    "Categorías y criterios": "Categories and criteria",
    "Resumen construido a partir de los resultados publicados; la rúbrica completa está en el repositorio del "
    "proyecto.": "Summary built from the published results; the full rubric is in the project repository.",
    "peso {w}": "weight {w}", "Criterio": "Criterion", "Puntos": "Points",
    "Qué se revisa y por qué": "What is checked and why", "Fuente": "Source",
    "Modos de evaluación": "Assessment modes",
    "La máquina decide a partir de la evidencia.": "The machine decides from the evidence.",
    "La máquina propone y una persona confirma.": "The machine proposes and a person confirms.",
    "Sólo una persona puede decidir; hasta entonces queda pendiente.":
        "Only a person can decide; until then it stays pending.",
    "Se informa pero no suma puntos.": "Reported but worth no points.",
    "Límites de la automatización": "Limits of automation",
    "El rastreador sólo ve lo que está enlazado desde el sitio oficial dentro de su presupuesto de páginas; "
    "información publicada en otros dominios sin enlace puede no detectarse.":
        "The crawler only sees what the official site links to within its page budget; information published "
        "on other domains without a link may be missed.",
    "Las páginas que sólo funcionan con JavaScript se renderizan con un navegador cuando es posible; la ficha "
    "indica cuántas quedaron sin renderizar.":
        "Pages that only work with JavaScript are rendered with a browser when possible; each page shows how many "
        "were left unrendered.",
    "La actividad en redes sociales y la interacción con la ciudadanía no se verifican automáticamente.":
        "Social media activity and interaction with citizens are not checked automatically.",
    "Fuentes": "Sources", "Niveles de puntaje": "Score levels",
    # data dictionary
    "Datos abiertos y diccionario de datos": "Open data and data dictionary",
    "Los mismos datos que muestran estas páginas, para descargar y reutilizar. Codificación UTF-8, separador coma.":
        "The same data these pages show, to download and reuse. UTF-8 encoding, comma separator.",
    "una fila por municipio": "one row per municipality",
    "una fila por municipio y criterio": "one row per municipality and criterion",
    "documento completo, con evidencia y señales (esquema JSON export.schema.json)":
        "full document, with evidence and signals (JSON schema export.schema.json)",
    "Columnas de scores.csv": "Columns of scores.csv", "Columnas de criteria.csv": "Columns of criteria.csv",
    "Columna": "Column", "Descripción": "Description", "Categorías en este documento": "Categories in this document",
    "Las celdas de texto que empiezan con =, +, - o @ llevan un apóstrofo al inicio para que las hojas de cálculo "
    "no las ejecuten como fórmulas.":
        "Text cells starting with =, +, - or @ get a leading apostrophe so spreadsheets do not run them as formulas.",
    "Clave geoestadística INEGI del municipio (5 dígitos).": "INEGI geostatistical code of the municipality (5 digits).",
    "Nombre del municipio.": "Name of the municipality.", "Clave INEGI del estado (2 dígitos).":
        "INEGI code of the state (2 digits).", "Nombre del estado.": "Name of the state.",
    "Población total según el registro de municipios.": "Total population per the municipality registry.",
    "Sitio web oficial rastreado.": "Official website crawled.",
    "Puntaje de 0 a 100; vacío si el sitio no pudo evaluarse.": "Score from 0 to 100; empty if the site could not "
                                                                 "be assessed.",
    "Puntaje máximo posible.": "Highest possible score.",
    "complete, incomplete (hay puntos pendientes), unreachable, blocked, no_url o not_audited.":
        "complete, incomplete (points pending), unreachable, blocked, no_url or not_audited.",
    "Puntos que dependen de revisión humana o que no se pudieron verificar.":
        "Points that depend on human review or could not be checked.",
    "Lugar nacional (empates comparten lugar); vacío si no hay puntaje.":
        "National rank (ties share a rank); empty when there is no score.",
    "Lugar dentro del estado.": "Rank within the state.",
    "Resultado del rastreo: ok, partial, unreachable, blocked, no_url o error.":
        "Crawl outcome: ok, partial, unreachable, blocked, no_url or error.",
    "Páginas revisadas por el rastreador.": "Pages the crawler checked.",
    "Páginas que requieren JavaScript para mostrar su contenido.": "Pages that need JavaScript to show their content.",
    "Por qué terminó el rastreo: decided (todos los criterios automáticos decididos), no_candidates (no quedaban "
    "enlaces que pudieran llevar a evidencia), budget (presupuesto de páginas agotado) o host_unresponsive (el "
    "sitio dejó de responder); vacío en corridas anteriores.":
        "Why the crawl ended: decided (every automatic criterion decided), no_candidates (no link left that could "
        "lead to evidence), budget (page budget spent) or host_unresponsive (the site stopped answering); empty "
        "for older runs.",
    "Puntos obtenidos en cada categoría de la rúbrica.": "Points obtained in each rubric category.",
    "Clave INEGI del municipio.": "INEGI code of the municipality.", "Clave INEGI del estado.": "INEGI code of the state.",
    "Identificador del criterio en la rúbrica.": "Criterion id in the rubric.",
    "Categoría del criterio.": "Category of the criterion.", "Nombre del criterio.": "Name of the criterion.",
    "pass, partial, fail, not_applicable, needs_review, error o informative.":
        "pass, partial, fail, not_applicable, needs_review, error or informative.",
    "Puntos obtenidos.": "Points obtained.", "Puntos posibles.": "Points possible.",
    "auto, assisted, manual o informative.": "auto, assisted, manual or informative.",
    "Persona que decidió el resultado, si lo decidió una persona.": "Person who decided the result, if a person did.",
    "Explicación del resultado.": "Explanation of the result.", "Número de evidencias.": "Number of evidence items.",
    "Direcciones de la evidencia, separadas por « | ».": "Evidence URLs, separated by “ | ”.",
    "Fecha de captura de la primera evidencia.": "Capture date of the first evidence item.",
    # comparison
    "Comparación de municipios": "Comparison of municipalities", "Puntaje total": "Total score",
    # ---- issue #12, part "pages": uncertainty, charts, map, methodology rules ----
    "Puntos pendientes": "Pending points", "{cause}: {p}": "{cause}: {p}", "hasta {u}": "up to {u}",
    "revisión humana": "human review", "rastreo parcial": "partial crawl",
    "sin navegador (páginas con JavaScript no vistas)": "no browser (JavaScript pages not seen)", "Mapa": "Map",
    "páginas con JavaScript sin renderizar (límite del navegador)": "JavaScript pages not rendered (browser budget)",
    "páginas bloqueadas": "blocked pages", "no verificable": "could not be checked",
    "«23, hasta 84»: 23 puntos decididos; los puntos aún pendientes podrían llevar el puntaje hasta 84. Bajo el "
    "nombre se dice por qué están pendientes.":
        "“23, up to 84”: 23 points decided; the points still pending could take the score up to 84. Under the name "
        "it says why they are pending.",
    "{n} hab.": "pop. {n}",
    "Puntaje decidido {s}; con los puntos pendientes, hasta {u}.": "Decided score {s}; with the pending points, up to {u}.",
    "enviado a revisión humana": "sent to human review",
    "Corrida sin navegador.": "Run without a browser.",
    "El rastreo de esta corrida se hizo sin navegador (Chromium no disponible): las páginas que sólo funcionan con "
    "JavaScript no se vieron.":
        "This run was crawled without a browser (Chromium not available): pages that only work with JavaScript "
        "were not seen.",
    "Municipios con páginas que requieren JavaScript y no se vieron: {n}. Los puntos que dependen de ellas quedan "
    "pendientes, no en 0, y su puntaje puede subir.":
        "Municipalities with pages that need JavaScript and were not seen: {n}. The points that depend on them stay "
        "pending, not 0, and their score may rise.",
    "Mapa: promedio por estado": "Map: average by state",
    "Promedio de puntaje por estado; la tabla «Por estado» tiene los mismos datos.":
        "Average score by state; the “By state” table has the same data.",
    "promedio {m}; evaluados: {s} de {n}": "average {m}; assessed: {s} of {n}", "sin datos": "no data",
    "Color según el promedio de los municipios evaluados de cada estado.":
        "Colour by the average of each state's assessed municipalities.",
    "Evolución mes a mes": "Month over month",
    "Proporción de municipios por nivel de puntaje en cada corrida": "Share of municipalities by score level in each run",
    "Cada columna es una corrida: la proporción de municipios evaluados en cada nivel.":
        "Each column is a run: the share of assessed municipalities at each level.",
    "Ver la tabla de la evolución": "Show the table of the trend", "Corrida": "Run", "Mediana": "Median",
    "Cuartiles": "Quartiles", "Sin puntaje": "No score",
    "Qué cumplen los municipios": "What municipalities meet",
    "Qué cumplen los municipios de {state}": "What the municipalities of {state} meet",
    "cumplen: {met} de {n}": "met: {met} of {n}", "{share}% cumple ({met} de {n})": "{share}% met ({met} of {n})",
    "en parte: {n}": "partly: {n}", "pendientes: {n}": "pending: {n}",
    "Proporción de municipios evaluados que cumplen cada criterio. Los sitios que no pudieron evaluarse no cuentan.":
        "Share of assessed municipalities that meet each criterion. Sites that could not be assessed do not count.",
    "Regla": "Rule", "Requiere": "Requires", "Topes": "Caps", "total": "total",
    "de la categoría {c}": "of category {c}",
    "Si «{criterion}» no se cumple, el puntaje {scope} no pasa de {max}.":
        "If “{criterion}” is not met, the {scope} score cannot exceed {max}.",
    "Calibración": "Calibration", "Hallazgo": "Finding", "Esperado": "Expected", "Esta rúbrica": "This rubric",
    "Los pesos se calibraron contra los hallazgos publicados de la AIDH 2016. Estos son los puntajes que da esta "
    "rúbrica a los perfiles de referencia, calculados al generar el sitio:":
        "The weights were calibrated against the published AIDH 2016 findings. These are the scores this rubric "
        "gives the reference profiles, computed when the site was generated:",
    "Criterios que necesitan a una persona": "Criteria that need a person",
    # -- part "archive and citation" (issue #12): archived copies (reports/archive.py, archived.html.j2) and
    #    "Cómo citar" (reports/citation.py, _citation.html.j2)
    "copia archivada el {d}": "archived copy of {d}", "Copia archivada el {d}": "Archived copy of {d}",
    "Copia archivada": "Archived copy", "copia recortada": "truncated copy",
    "captura de pantalla": "screenshot", "sin copia archivada": "no archived copy",
    "sin copia archivada (límite de archivo del sitio)": "no archived copy (the site's archive limit was reached)",
    "copia archivada en {warc}, no incluida en este reporte": "archived copy in {warc}, not included in this report",
    "URL original": "Original URL", "Título": "Title", "Registro WARC": "WARC record",
    "copia recortada: se guardaron los primeros {n} bytes": "truncated copy: the first {n} bytes were kept",
    "el contenido archivado no coincide con este hash": "the archived content does not match this hash",
    "Vista estática: se quitaron los scripts, estilos, formularios e imágenes de la página original.":
        "Static view: the original page's scripts, styles, forms and images were removed.",
    "Corridas publicadas (cada una en su dirección estable)": "Published runs (each at its stable address)",
    "Corridas publicadas": "Published runs", "Publicada": "Published", "el inicio del reporte": "the report's start page",
    "Cada corrida conserva su dirección; la más reciente está en": "Each run keeps its address; the latest is at",
    "Cómo citar": "How to cite", "Autor": "Author", "Rúbrica": "Rubric",
    "Fecha de los datos": "Date of the data", "Dirección estable": "Stable address",
    "la de la publicación más reciente: cambia con la próxima corrida":
        "the latest publication's: it changes with the next run",
    "Texto para copiar": "Text to copy",
    "{name}, {state}: evaluación de gobierno abierto municipal": "{name}, {state}: municipal open government assessment",
    "corrida {label} (n.º {id})": "run {label} (no. {id})",
    "rúbrica {id}, versión {version}": "rubric {id}, version {version}",
    "datos del {d}": "data of {d}",
}

# -- part "words": singular/plural pairs for `_n` (templates); each form is translated on its own ------------
EN.update({
    "{scored} de {total} municipio evaluado con la rúbrica «{rubric}». Puntaje de 0 a 100; cada punto está "
    "respaldado por evidencia enlazada en la ficha del municipio.":
        "{scored} of {total} municipality assessed with the rubric “{rubric}”. Scores run from 0 to 100; every "
        "point is backed by evidence linked from the municipality's page.",
    "{scored} de {n} municipio evaluado. Promedio estatal: {mean}.":
        "{scored} of {n} municipality assessed. State average: {mean}.",
    "{max} punto pendiente": "{max} point pending",
    "{n} sitio no pudo evaluarse y no aparece en la gráfica.":
        "{n} site could not be assessed and is not in the chart.",
    "El rastreo de esta corrida no terminó: {n} municipio no se revisó y se muestra como no revisado, no con 0.":
        "This run's crawl did not finish: {n} municipality was not checked and is shown as not checked, not as 0.",
    "{p} punto pendiente de revisión humana o no verificable: el puntaje puede subir.":
        "{p} point awaits human review or could not be checked: the score may go up.",
    "{n} criterio": "{n} criterion", "{n} criterios": "{n} criteria", "{p} punto": "{p} point", "{p} puntos": "{p} points",
    "{p} de {max} punto": "{p} of {max} point", "{p} pendiente": "{p} pending",
    "{n} renderizada con navegador": "{n} rendered with a browser",
})

# -- part "kinds and platforms" (issue 13): signal kind headings come from the one table (store.kinds) -------
EN.update({kind.title_es: kind.title_en for kind in KINDS})

CATALOGUES = {"es": {}, "en": EN}


def is_singular(n: object) -> bool:
    """Spanish and English use the singular for exactly 1 (CLDR 'one'); 0, 1.5 and 2 take the plural."""
    try:
        return float(n) == 1  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def translator(lang: str) -> Callable[..., str]:
    """The `_` function for one language: look the Spanish text up, then fill in the named placeholders."""
    catalogue = CATALOGUES[lang]

    def _(message: str, **values: object) -> str:
        text = catalogue.get(message, message)
        return text.format(**values) if values else text

    return _


def plural_translator(lang: str) -> Callable[..., str]:
    """The `_n` function: `_n("{n} punto", "{n} puntos", n, n=...)` picks the form for the count `n`, then
    translates and fills it in like `_`."""
    _ = translator(lang)

    def _n(singular: str, plural: str, count: object, **values: object) -> str:
        return _(singular if is_singular(count) else plural, **values)

    return _n
