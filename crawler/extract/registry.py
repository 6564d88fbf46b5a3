"""The registry of page extractors: one signature, `page -> Extraction`, registered with `@extractor(...)`.

extract_page runs every registered extractor in `order` (the order their signals come out, as before the
registry). Modules of this package and of crawler.platforms are discovered and imported on first use, so a new
extractor is one module with one decorated function (docs/extending.md); the kinds it declares must be rows of
the table of kinds (store.kinds), or registration fails at import.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crawler.extract.dom import Page
from crawler.extract.types import Diagnostic, Extraction, Signal
from store.kinds import kind_names

PageExtractor = Callable[[Page], Extraction]
# Packages whose modules may register extractors; discovered once, on first use.
PACKAGES = ("crawler.extract", "crawler.platforms")


@dataclass(frozen=True)
class RegisteredExtractor:
    name: str
    fn: PageExtractor
    order: int                    # lower runs first; ties by name
    kinds: tuple[str, ...]        # signal kinds it may emit (rows of store.kinds)


_EXTRACTORS: dict[str, RegisteredExtractor] = {}
_discovered = False


def extractor(name: str, order: int, kinds: Iterable[str]) -> Callable[[PageExtractor], PageExtractor]:
    """Register `fn(page) -> Extraction` under `name`; unknown kinds or a taken name fail fast."""
    declared = tuple(kinds)

    def register(fn: PageExtractor) -> PageExtractor:
        if name in _EXTRACTORS:
            raise ValueError(f"extractor '{name}' registered twice")
        unknown = [k for k in declared if k not in kind_names()]
        if unknown:
            raise ValueError(f"extractor '{name}' emits unknown signal kind(s) {unknown}: add a row to store/kinds.py")
        _EXTRACTORS[name] = RegisteredExtractor(name, fn, order, declared)
        return fn

    return register


def unregister(name: str) -> None:
    """Remove an extractor registered at run time (tests clean up after themselves)."""
    _EXTRACTORS.pop(name, None)


def extractors() -> list[RegisteredExtractor]:
    """Every registered extractor, in run order."""
    discover()
    return sorted(_EXTRACTORS.values(), key=lambda e: (e.order, e.name))


def discover() -> None:
    """Import every module of PACKAGES once, so their decorators run."""
    global _discovered
    if _discovered:
        return
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package_name}.{info.name}")
    _discovered = True


def as_extraction(result: list[Signal] | tuple[list[Signal], list[Diagnostic]]) -> Extraction:
    """An Extraction from a detector's signals, or its (signals, rejected look-alikes) pair."""
    signals, diagnostics = result if isinstance(result, tuple) else (result, [])
    return Extraction(signals=list(signals), diagnostics=list(diagnostics))
