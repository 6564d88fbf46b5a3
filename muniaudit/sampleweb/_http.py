"""Small HTTP helpers shared by the sample web and the fault web (standard library only)."""

from __future__ import annotations

import io
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

NOT_FOUND_HTML = (
    '<!doctype html><html lang="es"><head><meta charset="utf-8"><title>404 No encontrado</title></head>'
    "<body><h1>404 No encontrado</h1><p>La página solicitada no existe.</p></body></html>\n"
).encode()


class LoopbackServer(ThreadingHTTPServer):
    """A threading HTTP server whose handler threads die with the process and whose errors stay quiet."""

    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:  # noqa: ARG002
        # Clients hanging up, resets and TLS handshake failures are expected here; do not print tracebacks.
        pass


class QuietHandler(BaseHTTPRequestHandler):
    server_version = "muniaudit-sampleweb/1.0"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_bytes(self, status: int, body: bytes, ctype: str, head_only: bool = False,
                   headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def send_html(self, status: int, html: str, head_only: bool = False,
                  headers: dict[str, str] | None = None) -> None:
        self.send_bytes(status, html.encode("utf-8"), TYPES[".html"], head_only, headers)

    def redirect(self, status: int, location: str) -> None:
        self.send_bytes(status, b"", TYPES[".html"], headers={"Location": location})

    def reset_connection(self) -> None:
        """Drop the connection with a TCP RST and no response at all."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        # The fd is only released once the file objects made from it are closed too.
        for stream in (self.rfile, self.wfile):
            try:
                stream.close()
            except OSError:
                pass
        self.connection.close()
        # handle_one_request() flushes wfile after the method returns: give it something harmless.
        self.rfile, self.wfile = io.BytesIO(), io.BytesIO()

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, 1_000_000)) if length else b""


def start(server: LoopbackServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread


def stop(servers: list[LoopbackServer]) -> None:
    for server in servers:
        server.shutdown()
        server.server_close()


def base_url(server: LoopbackServer, scheme: str = "http") -> str:
    host, port = server.server_address[:2]
    return f"{scheme}://{host}:{port}"


def wait_for_interrupt() -> None:
    """Block a `python -m ...server` command until Ctrl-C (the servers run in daemon threads)."""
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
