"""The program's version, in the bottom room so every room can read it (the crawler's User-Agent, the export
document's `tool.version`, the CLI's --version, an audit's `code_version`). pyproject.toml reads it from here."""
__version__ = "0.1.0"
