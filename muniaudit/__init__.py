"""muniaudit: open-government audits of Mexican municipal websites."""
from store.version import __version__

__all__ = ["__version__"]
