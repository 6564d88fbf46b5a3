"""Every command and subcommand of `muniaudit` explains itself (help text on the command and on each option)
and is named in the README or docs/, so a user who reads `--help` or the docs meets the same commands."""
from __future__ import annotations

from pathlib import Path

import click
import pytest

from muniaudit.cli import main

ROOT = Path(__file__).resolve().parents[2]


def commands(command: click.Command, path: tuple[str, ...] = ()):
    """(path, command) for the command and every subcommand below it."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, (*path, name))


ALL = list(commands(main))
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))])


def test_the_walk_finds_the_commands_and_their_subcommands():
    paths = {" ".join(path) for path, _ in ALL}
    assert {"crawl", "run", "demo", "municipalities import", "review export", "rubric validate"} <= paths


@pytest.mark.parametrize(("path", "command"), ALL, ids=[" ".join(p) or "muniaudit" for p, _ in ALL])
def test_command_has_help_and_every_option_too(path, command):
    assert (command.help or "").strip(), f"muniaudit {' '.join(path)}: no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert (param.help or "").strip(), f"muniaudit {' '.join(path)} {param.opts[0]}: no help text"


@pytest.mark.parametrize(("path", "command"), [c for c in ALL if c[0]], ids=[" ".join(p) for p, _ in ALL if p])
def test_command_appears_in_the_readme_or_docs(path, command):
    assert f"muniaudit {' '.join(path)}" in DOCS, f"`muniaudit {' '.join(path)}` is not in README.md or docs/"
