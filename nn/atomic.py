"""Writing a file atomically: the reader sees the old file or the new one, never half of one.

``write_atomically(path, write)`` lets ``write`` fill a temporary file next to the target,
flushes it to disk and renames it over the target in one step. What it promises:

* **Atomic.** The file at ``path`` is always either the old contents or the new ones,
  complete, even if the process is killed (``kill -9``) or the power fails mid-save.
* **The user's set-up is kept.** Saving over an existing file keeps its permission bits
  (a ``chmod 600`` file stays 0600) and, where the saving user may set them, its owner and
  group. A new file gets ``0o666`` minus the umask, like any file ``open(path, "w")``
  creates. A symbolic link stays a link: the file it points to is replaced, atomically.
* **Temporary files.** The temporary file is named ``.NAME.<12 hex digits>.tmp``, beside
  ``NAME``. An error during the save removes it. A process killed during the save can
  leave it behind (nothing can run after ``kill -9``); the next save to the same path
  deletes such leftovers, once they are over ``STALE_AFTER`` seconds old and no running
  save holds them (each save holds an ``flock`` on its temporary file). No other file is
  ever removed: only regular files whose whole name fits that pattern for that ``NAME``.

What it does not promise: a file with several hard links is replaced, not rewritten, so
its other names keep the old contents (as with every atomic save).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeAlias

__all__ = ["STALE_AFTER", "write_atomically"]

PathLike: TypeAlias = str | os.PathLike[str]

# A leftover temporary file younger than this may belong to a save that is just starting
# (between creating the file and locking it), so it is never removed.
STALE_AFTER = 10.0


def write_atomically(path: PathLike, write: Callable[[TextIO], object]) -> None:
    """Write a text file so that a crash leaves the old file or the new one, whole.

    Args:
        write: called with the temporary file (open for UTF-8 text) to write the contents;
            if it raises, the target is untouched and the temporary file is removed.

    See the module docstring for modes, symbolic links and temporary files.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> write_atomically(path, lambda f: f.write("first"))
    >>> write_atomically(path, lambda f: f.write("second"))
    >>> path.read_text(), sorted(p.name for p in path.parent.iterdir())
    ('second', ['notes.txt'])
    """
    # Through a symbolic link to the file it names, as open(path, "w") would write.
    target = Path(os.path.realpath(path))
    _remove_stale(target)
    try:
        old: os.stat_result | None = os.stat(target)
    except OSError:
        old = None  # a new file (or a bad folder, which creating the file reports)
    # Same directory as the target, so os.replace is a rename within one file system:
    # atomic, the reader sees either the old file or the new one.
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    # 0o666 lets the umask decide the permissions of a new file, as for any new file.
    try:
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666
        )
    except OSError as e:  # name the file the user asked for, not our temporary one
        raise OSError(e.errno, f"cannot write {path}: {e.strerror}", str(path)) from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            _lock(f.fileno())
            if old is not None:
                _copy_owner_and_mode(f.fileno(), old)
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _copy_owner_and_mode(fd: int, old: os.stat_result) -> None:
    if hasattr(os, "fchown") and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        # Only root may give a file away; anyone else keeps the file as their own.
        with contextlib.suppress(OSError):
            os.fchown(fd, old.st_uid, old.st_gid)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(old.st_mode))


def _temporary_names(target: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{12}}\.tmp")


def _remove_stale(target: Path) -> None:
    """Delete temporary files a killed save to ``target`` left behind (see module docstring)."""
    pattern = _temporary_names(target)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return  # the save itself will report the folder
    now = time.time()
    for name in names:
        if not pattern.fullmatch(name):
            continue
        leftover = target.parent / name
        with contextlib.suppress(OSError):
            info = os.lstat(leftover)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_AFTER:
                _remove_if_unlocked(leftover)


def _remove_if_unlocked(leftover: Path) -> None:
    fd = os.open(leftover, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        if _try_lock(fd):
            leftover.unlink()
    finally:
        os.close(fd)


if sys.platform == "win32":  # no flock: age alone decides

    def _lock(fd: int) -> None:
        pass

    def _try_lock(fd: int) -> bool:
        return True

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a running save holds it
        return True


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not possible (nor needed) on every platform."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
