"""The sample web: fictional municipal sites and a fault-injection web, served on loopback for tests and demos."""

from muniaudit.sampleweb.server import SITES_YAML, SampleWeb, Site, load_sites, serve_sample_web

__all__ = ["SITES_YAML", "SampleWeb", "Site", "load_sites", "serve_fault_web", "serve_sample_web"]


def __getattr__(name: str):
    # faults needs `cryptography`; import it only when asked for.
    if name == "serve_fault_web":
        from muniaudit.sampleweb.faults import serve_fault_web

        return serve_fault_web
    raise AttributeError(name)
