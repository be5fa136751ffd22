"""Files psstrat reads from, and writes for, people who may not be trusted or careful.

`scan` lists what may be read under a folder of the repository, looking at every entry with
lstat before anything is opened; `write_atomically` writes a report all or nothing, never
through a device or link, and never leaving closed-session text readable by others;
`create_exclusively` makes a new file only if nobody made it first, and `locked` keeps two
psstrat processes from editing the repository at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from psstrat.diagnostics import Finding, Location
from psstrat.errors import PsstratError

_SPECIAL = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


# Named exception (C901): every kind of directory entry is decided in this one place.
def scan(  # noqa: C901
    root: Path, top: str, skip: frozenset[str] = frozenset()
) -> tuple[dict[str, Path], list[Finding]]:
    """The regular files below ``root/top`` (hidden entries skipped): relative path -> the
    path to read; and the entries psstrat will not read, as `unsafe-path` findings.

    Everything is looked at with lstat before anything is opened: a FIFO, socket or device is
    never opened (opening a FIFO waits for a writer for ever); a symbolic link is followed only
    to a regular file inside the repository, and the target of one that leaves it is neither
    read nor named; a linked folder is not followed; a folder that cannot be read is reported.
    Nothing is skipped without a word, but the folders in ``skip`` (paths from the root),
    which a caller that needs none of their files is not given.
    """
    files: dict[str, Path] = {}
    problems: list[Finding] = []
    real_root = root.resolve()

    def problem(rel: str, message: str, help: str) -> None:
        problems.append(Finding(Location(rel), message, help))

    def walk(rel_dir: str) -> None:
        try:
            entries = sorted(os.scandir(root / rel_dir), key=lambda e: e.name)
        except OSError as exc:
            problem(
                rel_dir,
                f"folder {rel_dir}/ cannot be read ({exc.strerror}); nothing in it is checked",
                "make it readable (chmod) or remove it",
            )
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = f"{rel_dir}/{entry.name}"
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                problem(rel, f"{rel} cannot be read ({exc.strerror})", "check its permissions")
                continue
            if stat.S_ISDIR(mode):
                if rel not in skip:  # a folder the caller does not need (not reported)
                    walk(rel)
            elif stat.S_ISREG(mode):
                files[rel] = root / rel
            elif stat.S_ISLNK(mode):
                _link(rel, Path(entry.path), real_root, files, problem)
            else:
                what = _SPECIAL.get(stat.S_IFMT(mode), "not a regular file")
                problem(rel, f"{rel} is {what}; it is not read", "replace it with a YAML file")

    top_path = root / top
    try:
        top_mode = top_path.lstat().st_mode
    except FileNotFoundError:
        return files, problems
    except OSError as exc:
        problem(top, f"{top}/ cannot be read ({exc.strerror})", "check its permissions")
        return files, problems
    if stat.S_ISLNK(top_mode):
        problem(top, f"{top}/ is a symbolic link; it is not followed", _LINKED_FOLDER)
    elif stat.S_ISDIR(top_mode):
        walk(top)
    return files, problems


_LINKED_FOLDER = "put the files themselves in the repository, not a link to a folder"


def _link(
    rel: str, link: Path, real_root: Path, files: dict[str, Path], problem: Callable[..., None]
) -> None:
    """A symbolic link: read only when it ends at a regular file inside the repository."""
    target = Path(os.path.realpath(link))
    if not target.is_relative_to(real_root):
        problem(
            rel,
            f"{rel} is a symbolic link to somewhere outside the repository; it is not read",
            "put the file itself in the repository",
        )
        return
    try:
        mode = target.lstat().st_mode
    except OSError:
        problem(rel, f"{rel} is a broken symbolic link", "remove it or point it at a file")
        return
    if stat.S_ISDIR(mode):
        problem(rel, f"{rel} is a symbolic link to a folder; it is not followed", _LINKED_FOLDER)
    elif stat.S_ISREG(mode):
        files[rel] = target
    else:
        problem(rel, f"{rel} is a symbolic link to a special file; it is not read", "remove it")


def write_atomically(path: Path, text: str | bytes, private: bool = False) -> None:
    """Write the whole report or nothing: a half-written paper never reaches the committee.

    The target must be a regular file or absent (a device, FIFO or symbolic link is refused).
    An existing file keeps its permission bits; a new one is private (0600) when ``private``
    (the paper holds content above the open session), else readable as the umask allows. The
    temporary file is private and removed if anything, Ctrl-C or SIGTERM included, stops the
    write.
    """
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise PsstratError(f"cannot write {path}: {exc.strerror}") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        raise PsstratError(f"cannot write {path}: it is {kind}; write to a plain file name")
    directory = path.absolute().parent
    if not directory.is_dir():
        raise PsstratError(f"cannot write {path}: folder {directory} does not exist")
    if info is not None:
        mode = stat.S_IMODE(info.st_mode)
    elif private:
        mode = 0o600
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    import tempfile

    with _cleanup_on_sigterm():
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise PsstratError(f"cannot write {path}: {exc.strerror}") from None
        try:
            data = text.encode("utf-8") if isinstance(text, str) else text
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                os.fchmod(fh.fileno(), mode)
            Path(tmp).replace(path)
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise PsstratError(f"cannot write {path}: {exc.strerror}") from None
            raise


class _cleanup_on_sigterm:
    """Turn SIGTERM into SystemExit while writing, so `finally` blocks remove the temp file
    (Ctrl-C already raises KeyboardInterrupt)."""

    def __enter__(self) -> None:
        self.previous: Any = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, _exit_on_signal)

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


cleanup_on_sigterm = _cleanup_on_sigterm
"""For other stages that hold something to remove (the PDF's temporary folder)."""


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def create_exclusively(path: Path, text: str) -> bool:
    """Write a new file at ``path``, or nothing (False) when something is already there: the
    name is taken with O_CREAT|O_EXCL, which no other process can take too (nor a link be
    followed), so a file another process made meanwhile is never overwritten. Readable as
    the umask allows; removed again if anything, Ctrl-C or SIGTERM included, stops the write."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with _cleanup_on_sigterm():
        try:
            fd = os.open(path, flags, 0o666)
        except FileExistsError:
            return False
        except OSError as exc:
            raise PsstratError(f"cannot write {path}: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(text.encode("utf-8"))
        except BaseException as exc:
            path.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise PsstratError(f"cannot write {path}: {exc.strerror}") from None
            raise
    return True


LOCK_SECONDS = 60.0
"""How long to wait for another psstrat that holds the repository's lock."""


@contextlib.contextmanager
def locked(directory: Path, seconds: float | None = None) -> Iterator[bool]:
    """An exclusive lock on ``directory`` (flock on it, opened read-only: no lock file is left
    anywhere), held for the block; yields whether it could be taken. The lock goes with the
    process, however it ends. Where there is no flock (Windows), or the file system refuses
    it (some network file systems), the block runs unlocked and this yields False; callers
    then rely on exclusive creation, and on reading a file again before replacing it."""
    try:
        import fcntl
    except ImportError:
        yield False
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise PsstratError(f"cannot lock {directory}: {exc.strerror}") from None
    taken = False
    try:
        deadline = time.monotonic() + (LOCK_SECONDS if seconds is None else seconds)
        while not taken:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                taken = True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PsstratError(
                        f"another psstrat is still changing {directory} (it holds the lock); "
                        "wait for it to finish, or stop it, and try again"
                    ) from None
                time.sleep(0.01)
            except OSError:  # no locks on this file system
                break
        yield taken
    finally:
        os.close(fd)  # closing the descriptor releases the lock
