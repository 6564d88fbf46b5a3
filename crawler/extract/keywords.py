"""Spanish vocabulary of the detectors, as folded (lower-case, accent-free) regex fragments."""
from __future__ import annotations

from crawler.extract.text import compile_terms

OPEN_DATA = compile_terms([
    r"datos abiertos", r"open ?data", r"transparencia (proactiva|focalizada)", r"informacion de interes publico",
    r"portal de datos", r"catalogo de datos", r"datos\.gob\.mx",
])
# URL segment words (separators already turned into spaces).
OPEN_DATA_URL = compile_terms([r"datos ?abiertos", r"open ?data", r"transparencia ?(proactiva|focalizada)"])

TRANSPARENCY = compile_terms([
    r"transparencia", r"obligaciones de transparencia", r"lgtaip\w*", r"ltaip\w*", r"art(iculo|\.)? ?70",
    r"conac", r"sevac", r"armonizacion contable", r"(ley de )?disciplina financiera", r"ldf", r"cuentas? publicas?",
    r"contabilidad gubernamental", r"ley general de contabilidad", r"lgcg", r"informacion publica (de oficio|obligatoria)",
    r"informacion obligatoria", r"acceso a la informacion", r"sipot", r"plataforma nacional de transparencia",
    r"pnt", r"solicitud(es)? de (acceso a la )?informacion", r"infomex", r"saimex", r"ipomex", r"srft",
    r"recursos federales transferidos", r"declaraci(on|ones) patrimonial(es)?", r"informacion financiera",
    r"^contabilidad( municipal)?$", r"estados financieros", r"informacion (contable|presupuestal|programatica)",
])
TRANSPARENCY_URL = compile_terms([
    r"transparencia", r"conac", r"sevac", r"armonizacion ?contable", r"ldf", r"lgcg", r"lgtaip", r"ltaip\w*",
    r"cuenta ?publica", r"sipot", r"obligaciones",
])
# Link texts that name a law: external law texts are not sections of the site.
LAW_TITLE = compile_terms([r"^(ley|reglamento|lineamientos?|codigo|decreto|acuerdo)\b"])

PARTICIPATION_TYPES = (
    ("presupuesto_participativo", compile_terms([r"presupuestos? participativos?"])),
    ("cabildo_abierto", compile_terms([r"cabildos? abiertos?"])),
    ("consulta", compile_terms([r"consultas? (ciudadanas?|publicas?|populares?|indigenas?|vecinal(es)?)"])),
    ("consejo", compile_terms([
        r"consejos? (ciudadanos?|consultivos?( ciudadanos?)?|de participacion( ciudadana| social)?)",
        r"comites? (ciudadanos?|de participacion( ciudadana)?|vecinal(es)?)", r"contraloria social"])),
    ("iniciativa", compile_terms([r"iniciativas? ciudadanas?", r"propuestas? ciudadanas?"])),
    ("general", compile_terms([r"participacion (ciudadana|social|vecinal)", r"participa", r"decidim",
                               r"mecanismos de participacion"])),
)
PARTICIPATION_WORD = compile_terms([r"participacion", r"participa", r"participativ[oa]s?"])

REPORT_TOOL = (
    ("mailbox", compile_terms([r"buzon( ciudadano| de (quejas|sugerencias|denuncias|atencion))?"])),
    ("app", compile_terms([r"app de reportes?"])),
    ("form", compile_terms([
        r"quejas?( y (sugerencias|denuncias))?", r"denuncias?( ciudadanas?)?", r"reportes? ciudadanos?",
        r"reporta( un| tu)?( problema| incidencia| fuga| bache)?", r"sugerencias", r"peticion(es)? ciudadanas?",
        r"solicitud de servicios?", r"atencion ciudadana", r"denuncia publica"])),
)
EVALUATION = (
    ("survey", compile_terms([r"encuestas?( de satisfaccion| ciudadanas?)?"])),
    ("evaluation", compile_terms([
        r"evalua( (el|nuestro|nuestros|la|los) (servicios?|atencion|tramites?))?", r"evaluanos",
        r"califica( (el|nuestro|nuestra|la|los))? (servicios?|atencion|tramites?)", r"evaluacion ciudadana",
        r"satisfaccion (ciudadana|del usuario)"])),
)
# Headings that are legal-obligation items (e.g. "XLa Evaluaciones y encuestas a programas ..."), not tools.
OBLIGATION_ROW = compile_terms([
    r"programas financiados", r"recursos publicos", r"resultados de los mecanismos?", r"procedimiento de queja",
    r"informe sobre la captacion", r"^\d+\s*-", r"^(art(iculo)?\.? ?\d+|fracc?(ion)?\.? ?[ivxlc]+)\b",
    r"^[a-e]\.\d+(\.\d+)+",  # SEVAC / CONAC evaluation items ("D.5.3 Publica ...")
])
UPDATE_CUE = compile_terms([
    r"actualizad[oa]s?", r"ultima actualizacion", r"fecha de actualizacion", r"actualizacion", r"corte al",
    r"con corte a", r"fecha de corte", r"ultima modificacion", r"fecha de validacion", r"informacion al",
    r"vigente al", r"publicado el", r"fecha de publicacion",
])
PHONE_CUE = compile_terms([
    r"tel", r"tels", r"telefonos?", r"conmutador", r"informes", r"llamanos", r"llame", r"whatsapp", r"fax",
    r"cel", r"celular", r"contacto", r"lada", r"tel\.", r"movil", r"atencion",
])
