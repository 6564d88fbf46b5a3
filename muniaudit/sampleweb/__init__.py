"""The sample web: fictional municipal sites and a fault-injection web, served on loopback for tests and demos.

    from muniaudit.sampleweb import serve_sample_web, serve_fault_web, load_sites
"""

from __future__ import annotations

__all__ = ["SITES_YAML", "SampleWeb", "Site", "load_sites", "serve_fault_web", "serve_sample_web"]


def __getattr__(name: str):
    # Lazy, so `python -m muniaudit.sampleweb.server` runs cleanly and `cryptography` loads only for the fault web.
    if name == "serve_fault_web":
        from muniaudit.sampleweb import faults

        return faults.serve_fault_web
    if name in __all__:
        from muniaudit.sampleweb import server

        return getattr(server, name)
    raise AttributeError(name)
