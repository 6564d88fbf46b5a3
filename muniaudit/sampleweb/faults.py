"""A fault-injection web for crawler robustness tests: one HTTP server with path-based faults and one
HTTPS server with a self-signed certificate made at start-up.

    with serve_fault_web(delay_s=2) as urls:
        urls["http"] + "/timeout", urls["https"] + "/", urls.cert_path
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import tempfile
import threading
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from muniaudit.sampleweb import _http

HUGE_BYTES = 20 * 1024 * 1024
FOOTER = "<footer><p>Sitio de demostración ficticio de muniaudit (Estado de Ejemplo).</p></footer>"

HOME = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>Municipio de Fallas, Estado de Ejemplo</title>
<base href="http://[::1"></head>
<body><h1>Municipio de Fallas</h1><p>Cada enlace de esta página falla de una manera distinta.</p>
<ul>
<li><a href="http://127.0.0.1:99999/imposible">Puerto imposible</a> <a href="/x:abc">
<a href="http://[::1">IPv6 sin cerrar</a></a></li>
<li><a href="/timeout">Página lenta (tarda más que el tiempo de espera)</a></li>
<li><a href="/500">Error 500</a></li>
<li><a href="/reset">Conexión reiniciada</a></li>
<li><a href="/drip">Goteo lento de bytes</a></li>
<li><a href="/loop-a">Bucle de redirecciones</a></li>
<li><a href="/huge">Página de 20 MB</a></li>
<li><a href="/latin1">Página Latin-1 declarada como UTF-8</a></li>
<li><a href="/calendar?month=1">Calendario de eventos</a></li>
<li><a href="/captcha">Verificación de seguridad (403)</a></li>
<li><a href="/captcha-200">Verificación reCAPTCHA (200)</a></li>
<li><a href="/soft404-anything">Página inexistente que responde 200</a></li>
<li><a href="/not-found">Página inexistente que responde 404</a></li>
<li><a href="/php-error">Error de PHP con estado 200</a></li>
<li><a href="/session?PHPSESSID=0001">Sesión</a></li>
</ul>""" + FOOTER + "</body></html>"

CAPTCHA_403 = """<!DOCTYPE html>
<html lang="en-US"><head><title>Attention Required! | Cloudflare</title>
<meta name="robots" content="noindex, nofollow"></head>
<body><div id="cf-wrapper"><div class="cf-alert cf-alert-error cf-cookie-error">Please enable cookies.</div>
<div id="cf-error-details" class="cf-error-details-wrapper"><h1>Sorry, you have been blocked</h1>
<form class="challenge-form" id="challenge-form" action="/cdn-cgi/l/chk_captcha" method="POST">
<div id="cf-challenge-stage"></div>
<script src="https://www.google.com/recaptcha/api.js" async defer></script>
<div class="g-recaptcha" data-sitekey="6LfBixYUAAAAABhdHynFUIMA_sa4s-XsJvnjtgB0"></div>
</form><p>Cloudflare Ray ID: <strong>7f1e2d3c4b5a6978</strong></p></div></div></body></html>"""

CAPTCHA_200 = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>Verificación de seguridad</title>
<script src="https://www.google.com/recaptcha/api.js" async defer></script></head>
<body><h1>Verifica que no eres un robot</h1>
<form action="/captcha-200" method="post"><div class="g-recaptcha" data-sitekey="6Lc_demo_key"></div>
<button type="submit">Continuar</button></form></body></html>"""

SOFT_404 = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>Página no encontrada - Municipio de Fallas</title></head>
<body><h1>Página no encontrada</h1><p>Lo sentimos, la página que busca no existe o fue movida.</p>
<p><a href="/">Volver al inicio</a></p>""" + FOOTER + "</body></html>"

PHP_ERROR = """<br />
<b>Warning</b>:  mysqli_connect(): (HY000/2002): Connection refused in <b>/var/www/html/includes/db.php</b> on line <b>7</b><br />
<br />
<b>Fatal error</b>:  Uncaught Error: Call to a member function query() on bool in /var/www/html/index.php:12
Stack trace:
#0 {main}
  thrown in <b>/var/www/html/index.php</b> on line <b>12</b><br />
"""

LATIN1 = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>Información pública</title></head>
<body><h1>Participación ciudadana en el Año de la Transparencia</h1>
<p>Consulta la información pública de oficio y las solicitudes de acceso a la información.</p>
<p>Teléfono: 999 555 0190 · Correo: atencion@fallas.example</p>""" + FOOTER + "</body></html>"

HEALTHY = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Municipio Seguro, Estado de Ejemplo</title></head>
<body><h1>Municipio Seguro</h1><p>Bienvenido al portal del Municipio Seguro.</p>
<nav><a href="/transparencia.html">Transparencia</a> <a href="/contacto.html">Contacto</a></nav>
<p>Contacto: contacto@seguro.example · 999 555 0170</p>""" + FOOTER + "</body></html>"


def page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="es"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1>{body}{FOOTER}</body></html>")


def make_fault_handler(stopping: threading.Event, delay_s: float, drip_s: float) -> type[_http.QuietHandler]:
    class FaultHandler(_http.QuietHandler):
        def serve(self, head_only: bool) -> None:
            split = urllib.parse.urlsplit(self.path)
            path, query = split.path, urllib.parse.parse_qs(split.query)
            if path in ("/", "/index.html"):
                return self.send_html(200, HOME, head_only)
            if path == "/timeout":
                stopping.wait(delay_s)
                if stopping.is_set():
                    return self.reset_connection()
                return self.send_html(200, page("Respuesta tardía", "<p>Llegó tarde.</p>"), head_only)
            if path == "/500":
                return self.send_html(500, page("Error interno del servidor", "<p>Error 500.</p>"), head_only)
            if path == "/reset":
                return self.reset_connection()
            if path == "/drip":
                return self.drip(head_only)
            if path in ("/loop-a", "/loop-b"):
                return self.redirect(302, "/loop-b" if path == "/loop-a" else "/loop-a")
            if path == "/huge":
                return self.huge(head_only)
            if path == "/latin1":
                return self.send_bytes(200, LATIN1.encode("latin-1"), "text/html; charset=utf-8", head_only)
            if path == "/calendar":
                return self.calendar(query, head_only)
            if path == "/captcha":
                return self.send_html(403, CAPTCHA_403, head_only,
                                      {"Server": "cloudflare", "CF-RAY": "7f1e2d3c4b5a6978-QRO"})
            if path == "/captcha-200":
                return self.send_html(200, CAPTCHA_200, head_only)
            if path == "/php-error":
                return self.send_html(200, PHP_ERROR, head_only)
            if path == "/session":
                return self.session(head_only)
            if path == "/not-found":
                return self.send_bytes(404, _http.NOT_FOUND_HTML, _http.TYPES[".html"], head_only)
            return self.send_html(200, SOFT_404, head_only)  # soft 404: every unknown path answers 200

        def drip(self, head_only: bool, chunks: int = 10) -> None:
            body = page("Goteo", "<p>" + "gota " * 40 + "</p>").encode()
            self.send_response(200)
            self.send_header("Content-Type", _http.TYPES[".html"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if head_only:
                return
            step = -(-len(body) // chunks)
            for i in range(0, len(body), step):
                self.wfile.write(body[i:i + step])
                self.wfile.flush()
                if stopping.wait(drip_s / chunks):
                    return self.reset_connection()

        def huge(self, head_only: bool) -> None:
            head = b'<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Enorme</title></head><body>'
            tail = b"</body></html>"
            line = b"<p>Relleno de una p\xc3\xa1gina enorme para probar los l\xc3\xadmites de descarga.</p>\n"
            n_lines = (HUGE_BYTES - len(head) - len(tail)) // len(line)
            pad = HUGE_BYTES - len(head) - len(tail) - n_lines * len(line)
            self.send_response(200)
            self.send_header("Content-Type", _http.TYPES[".html"])
            self.send_header("Content-Length", str(HUGE_BYTES))
            self.end_headers()
            if head_only:
                return
            self.wfile.write(head + b" " * pad)
            block = line * 1024
            for _ in range(n_lines // 1024):
                if stopping.is_set():
                    return self.reset_connection()
                self.wfile.write(block)
            self.wfile.write(line * (n_lines % 1024) + tail)

        def calendar(self, query: dict[str, list[str]], head_only: bool) -> None:
            try:
                month = int(query.get("month", ["1"])[0])
            except ValueError:
                month = 1
            year, m = 2026 + (month - 1) // 12, (month - 1) % 12 + 1
            body = (f"<p>Eventos de {m:02d}/{year}: ninguno.</p>"
                    f'<a href="/calendar?month={month - 1}">« Mes anterior</a> '
                    f'<a href="/calendar?month={month + 1}">Mes siguiente »</a>')
            self.send_html(200, page("Calendario de eventos", body), head_only)

        def session(self, head_only: bool) -> None:
            links = "".join(f'<li><a href="/session?PHPSESSID={uuid.uuid4().hex}">{label}</a></li>'
                            for label in ("Inicio", "Trámites", "Avisos"))
            self.send_html(200, page("Portal con sesión", f"<ul>{links}</ul>"), head_only,
                           {"Set-Cookie": f"PHPSESSID={uuid.uuid4().hex}; path=/"})

        def do_GET(self) -> None:
            self.serve(head_only=False)

        def do_HEAD(self) -> None:
            self.serve(head_only=True)

    return FaultHandler


class HealthyHandler(_http.QuietHandler):
    def do_GET(self) -> None:
        if urllib.parse.urlsplit(self.path).path in ("/", "/index.html"):
            return self.send_html(200, HEALTHY)
        self.send_bytes(404, _http.NOT_FOUND_HTML, _http.TYPES[".html"])


def self_signed_cert(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """Write a fresh self-signed certificate for localhost/`host` and its key; return (cert, key) paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "muniaudit sample web (fictional)")])
    now = dt.datetime.now(dt.UTC)
    sans: list[x509.GeneralName] = [x509.DNSName("localhost")]
    try:
        sans.append(x509.IPAddress(ipaddress.ip_address(host)))
    except ValueError:
        sans.append(x509.DNSName(host))
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class FaultWeb(dict[str, str]):
    """{"http": base, "https": base}; `.cert_path` is the self-signed certificate (PEM) of the https server."""

    cert_path: Path


@contextmanager
def serve_fault_web(host: str = "127.0.0.1", delay_s: float = 30.0, drip_s: float = 5.0,
                    http_port: int = 0, https_port: int = 0) -> Iterator[FaultWeb]:
    """Serve the fault web and the self-signed https site; `/timeout` sleeps `delay_s`, `/drip` lasts `drip_s`."""
    stopping = threading.Event()
    servers: list[_http.LoopbackServer] = []
    with tempfile.TemporaryDirectory(prefix="muniaudit-tls-") as tmp:
        try:
            plain = _http.LoopbackServer((host, http_port), make_fault_handler(stopping, delay_s, drip_s))
            servers.append(plain)
            cert_path, key_path = self_signed_cert(Path(tmp), host)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert_path, key_path)
            tls = _http.LoopbackServer((host, https_port), HealthyHandler)
            # Handshake in the handler thread, not in accept(), so a silent client cannot block the server.
            tls.socket = context.wrap_socket(tls.socket, server_side=True, do_handshake_on_connect=False)
            servers.append(tls)
            for server in servers:
                _http.start(server)
            urls = FaultWeb(http=_http.base_url(plain), https=_http.base_url(tls, "https"))
            urls.cert_path = cert_path
            yield urls
        finally:
            stopping.set()
            _http.stop(servers)


def main() -> None:
    with serve_fault_web() as urls:
        print(f"http:  {urls['http']}/\nhttps: {urls['https']}/  (certificado autofirmado)\nCtrl-C para detener.",
              flush=True)
        _http.wait_for_interrupt()


if __name__ == "__main__":
    main()
