"""Exit codes a scheduler or a script can act on (documented in docs/operations.md), and the error for unusable
user input. Defined once: the CLI, the monthly job and the service layer import them from here."""
from __future__ import annotations

import click

EXIT_OK = 0
EXIT_USAGE = 2               # unusable input: a bad option, file, key, rubric or run (also Click's own usage errors)
EXIT_PARTIAL = 3             # an import finished with some rows refused
EXIT_NEEDS_ATTENTION = 3     # a monthly run finished, but some municipalities were flagged by the health checks
EXIT_LOCKED = 4              # another command holds the database's writer lock
EXIT_INCOMPLETE = 5          # the crawl stopped before every site was settled (resume by running again)
EXIT_IO = 6                  # the store or the report folder cannot be read or written (disk full, read-only...)


class UserError(click.ClickException):
    """A problem with the user's input (or the environment), reported as one Spanish line without a traceback.

    A Click exception, so the service layer raises it and Click prints it and exits with its code: no command
    needs its own try/except."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        from rich.console import Console
        from rich.markup import escape

        console = Console(file=file, stderr=file is None, soft_wrap=True)
        console.print(f"[bold red]error:[/] {escape(self.format_message())}", highlight=False, markup=True)
