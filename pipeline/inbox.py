"""Inbox handling: find ready files, hash them, archive the original bytes
(content-addressed) before anything else, quarantine with a readable reason.

Invariant: every file that leaves the inbox is either in the archive (and the
warehouse) or in quarantine; nothing is deleted before its bytes are archived.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import KinerjaError, UnsafeInputError

#: Files whose name starts with these are never picked up (editor/OS droppings).
IGNORED_PREFIXES = (".", "~$")
IGNORED_NAMES = {"Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class InboxFile:
    """A candidate file: ``path`` on disk, ``name`` relative to the inbox (the
    original name the secretariat sees), ``size`` in bytes, ``mtime`` (epoch s)."""

    path: Path
    name: str
    size: int
    mtime: float


@dataclass(frozen=True)
class InboxScan:
    """Result of :func:`scan_inbox`: files ready to process, files still being
    copied (left for the next run), and unsafe entries with the error to report."""

    ready: list[InboxFile]
    waiting: list[InboxFile]
    unsafe: list[tuple[InboxFile, KinerjaError]]


def scan_inbox(inbox: Path, settle_seconds: float = 2.0, now: float | None = None) -> InboxScan:
    """List files under ``inbox`` (sub-folders included, sorted by name).

    A file modified less than ``settle_seconds`` ago is still being copied and
    is left for the next run. A symbolic link is never followed: it is reported
    as unsafe (the link itself goes to quarantine; its target is not touched).
    """
    now = time.time() if now is None else now
    ready, waiting, unsafe = [], [], []
    if not inbox.exists():
        return InboxScan([], [], [])
    for root, dirs, files in os.walk(inbox, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(IGNORED_PREFIXES))
        for fn in sorted(files):
            if fn.startswith(IGNORED_PREFIXES) or fn in IGNORED_NAMES:
                continue
            p = Path(root) / fn
            rel = str(p.relative_to(inbox))
            try:
                st = p.lstat()
            except FileNotFoundError:
                continue  # vanished between listing and stat: nothing to lose
            item = InboxFile(p, rel, st.st_size, st.st_mtime)
            if p.is_symlink():
                unsafe.append((item, UnsafeInputError(
                    f"'{rel}' is a link (shortcut) to another file, not a file. Links are not followed, "
                    "so that nothing outside the inbox is read or moved.")))
            elif now - st.st_mtime < settle_seconds:
                waiting.append(item)
            else:
                ready.append(item)
    return InboxScan(ready, waiting, unsafe)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of the file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def safe_name(name: str, max_len: int = 120) -> str:
    """A file name safe to create anywhere: path separators and ``..`` removed,
    control characters dropped, Unicode kept (NFC), at most ``max_len`` chars."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/")
    name = "_".join(part for part in name.split("/") if part not in ("", ".", ".."))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r"\.{2,}", ".", name).strip(" .") or "file"
    if len(name) > max_len:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: max_len - len(ext) - 1] + "." + ext) if dot and len(ext) <= 8 else name[:max_len]
    return name


def archive_copy(src: Path, sha256: str, archive_dir: Path) -> Path:
    """Copy ``src`` to ``archive/<sha[:2]>/<sha><ext>`` (content-addressed) via a
    temporary file and an atomic rename, fsynced. Existing archive entries are
    kept. Returns the archive path. Raises ``OSError``."""
    ext = src.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,6}", src.suffix.lower()) else ""
    dest = archive_dir / sha256[:2] / f"{sha256}{ext}"
    if dest.exists() and dest.stat().st_size == src.stat().st_size:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    with open(src, "rb") as fi, open(tmp, "wb") as fo:
        shutil.copyfileobj(fi, fo, 1 << 20)
        fo.flush()
        os.fsync(fo.fileno())
    os.replace(tmp, dest)
    return dest


def quarantine_target(item: InboxFile, quarantine_dir: Path, when: datetime | None = None) -> Path:
    """A free path ``quarantine/<YYYYmmdd-HHMMSS>_<safe name>`` for ``item`` (a
    ``-k`` suffix when taken). Nothing is created."""
    when = when or datetime.now()
    dest = quarantine_dir / f"{when:%Y%m%d-%H%M%S}_{safe_name(item.name)}"
    k = 1
    while os.path.lexists(dest):
        dest = quarantine_dir / f"{when:%Y%m%d-%H%M%S}-{k}_{safe_name(item.name)}"
        k += 1
    return dest


def quarantine(item: InboxFile, error: KinerjaError, quarantine_dir: Path, when: datetime | None = None,
               dest: Path | None = None) -> Path:
    """Move the inbox file to ``dest`` (default :func:`quarantine_target`) and
    write ``<that name>.reason.txt`` beside it (what is wrong, what to do). A
    symlink is moved as a link. Returns the new path. Idempotent for a given
    ``dest``: a second call after a crash overwrites the reason and moves the file."""
    when = when or datetime.now()
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    dest = dest or quarantine_target(item, quarantine_dir, when)
    reason = dest.with_name(dest.name + ".reason.txt")
    reason.write_text(
        f"File: {item.name}\nPut in quarantine: {when:%Y-%m-%d %H:%M:%S}\n\n{error.user_text()}", encoding="utf-8")
    try:
        os.replace(item.path, dest)  # same file system: atomic; a link is moved, never followed
    except OSError:
        shutil.move(str(item.path), str(dest))  # inbox on another file system
    return dest


def remove_processed(item: InboxFile) -> None:
    """Remove a processed file from the inbox (its bytes are in the archive)."""
    try:
        item.path.unlink()
    except FileNotFoundError:
        pass
