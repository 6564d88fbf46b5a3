"""muniaudit: open-government audits of Mexican municipal websites."""
__version__ = "0.1.0"
