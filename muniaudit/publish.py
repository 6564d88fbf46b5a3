"""Publishing is a transaction: the report folder is replaced whole, or not at all.

The new publication is built in a fresh sibling folder (`.<name>.staging-*`) and swapped in with one atomic
rename exchange (Linux `renameat2(RENAME_EXCHANGE)`), so readers and web servers see the old folder or the new
one, never a mix. Where the exchange is not available (another OS, a filesystem without it), the old folder is
renamed aside and the new one renamed into place; a crash between those two renames is repaired by the next
publication, which puts the old folder back before anything else. A build that fails (a full disk, an
interrupted process) leaves only its staging folder, which the next publication removes; the published folder
is never touched.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class PublishError(OSError):
    """The report could not be written (disk full, read-only folder...); the previous publication stands."""


def publish(out_dir: Path, build: Callable[[Path], object]) -> Path:
    """Run `build(folder)` on a fresh folder beside `out_dir`, then make it `out_dir` in one step.

    A symlinked `out_dir` is published where it points (the link keeps working). A mount point cannot be
    renamed, so there the new publication is built inside it and moved in entry by entry: each entry
    atomically, the whole not, and other entries of the volume (lost+found, the operator's files) are left
    alone (docs/operations.md)."""
    out_dir = Path(os.path.realpath(out_dir))
    if out_dir.exists() and not out_dir.is_dir():
        raise PublishError(20, f"{out_dir} existe y no es una carpeta: no se publica encima de un archivo")
    if out_dir.is_dir() and os.path.ismount(out_dir):
        return _publish_into_mount(out_dir, build)
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        recover(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=parent))
        # mkdtemp makes the folder private (0700); a published report is read by a web server
        staging.chmod(_folder_mode(out_dir))
    except OSError as exc:
        raise PublishError(exc.errno, f"no se puede escribir en {parent}: {exc.strerror or exc}") from None
    try:
        build(staging)
        _swap_in(staging, out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise PublishError(exc.errno, f"no se pudo publicar en {out_dir}: {exc.strerror or exc}; "
                                      "la publicación anterior quedó intacta") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _publish_into_mount(out_dir: Path, build: Callable[[Path], object]) -> Path:
    for stale in out_dir.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
        staging.chmod(_folder_mode(out_dir))
    except OSError as exc:
        raise PublishError(exc.errno, f"no se puede escribir en {out_dir}: {exc.strerror or exc}") from None
    try:
        build(staging)
        for entry in sorted(staging.iterdir()):
            target = out_dir / entry.name
            if target.is_dir() and not target.is_symlink():
                aside = out_dir / f".old-{entry.name}"
                shutil.rmtree(aside, ignore_errors=True)
                target.rename(aside)
                entry.rename(target)
                shutil.rmtree(aside, ignore_errors=True)
            else:
                os.replace(entry, target)
    except OSError as exc:
        raise PublishError(exc.errno, f"no se pudo publicar en {out_dir}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def _folder_mode(out_dir: Path) -> int:
    """The published folder keeps its permissions; a first publication gets what the umask allows."""
    if out_dir.is_dir():
        return out_dir.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def recover(out_dir: Path) -> None:
    """Undo what an interrupted publication left: put a set-aside folder back, remove stale staging folders."""
    parent = out_dir.parent
    aside = sorted(parent.glob(f".{out_dir.name}.previous-*"))
    if aside and not out_dir.exists():
        aside[-1].rename(out_dir)          # crashed between the two renames of the fallback path
        aside = aside[:-1]
    for stale in [*aside, *parent.glob(f".{out_dir.name}.staging-*")]:
        shutil.rmtree(stale, ignore_errors=True)


def _swap_in(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    if _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)     # now holds the previous publication
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.previous-", dir=out_dir.parent))
    aside.rmdir()
    out_dir.rename(aside)
    staging.rename(out_dir)
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (renameat2 RENAME_EXCHANGE); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))
