"""The analysts' copy of the warehouse, published atomically after each write.

DuckDB lets no other process open a file while a writer holds it, and a reader
that keeps the file open blocks every writer (../shared/STACK.md). So analysts
never open the working file: each run (and each review decision) ends by
copying it, checkpointed, to ``kinerja-readonly.duckdb`` beside it, through a
temporary file and an atomic rename. A reader that has the old copy open keeps
reading the old inode undisturbed; the next time it opens the file it sees the
new one.

Follow-up steps are recorded durably as marker files ``<db>.todo-<step>``
(:data:`STEPS`): created before the first write of a run, each removed only
when its step is done, so a run killed in between leaves them behind and the
next run finishes the job (indicator mapping, publication, recap files).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipeline.crash_points import crash_point

from .store import connect


def published_path(db: Path) -> Path:
    """``kinerja.duckdb`` -> ``kinerja-readonly.duckdb`` in the same folder."""
    return db.with_name(f"{db.stem}-readonly{db.suffix}")


def reader_path(db: Path) -> Path:
    """The file readers (reports, ``kinerja sql``, ``kinerja status``) open: the
    published copy when there is one, else the working file."""
    copy = published_path(db)
    return copy if copy.exists() else db


#: What must follow a change of the warehouse, in this order.
STEPS = ("map", "publish", "consolidate")


def _marker(db: Path, step: str) -> Path:
    return db.with_name(f"{db.name}.todo-{step}")


def mark_todo(db: Path, *steps: str) -> None:
    """Record (durably: created and fsynced) that ``steps`` must run after the coming change of ``db``."""
    for step in steps:
        with open(_marker(db, step), "w", encoding="utf-8") as fh:
            fh.write(f"'{step}' is still to do after the last change of the warehouse\n")
            fh.flush()
            os.fsync(fh.fileno())


def todo(db: Path) -> list[str]:
    """The steps still to do, in :data:`STEPS` order. A warehouse that was never
    published counts as needing publication."""
    pending = {s for s in STEPS if _marker(db, s).exists()}
    if db.exists() and not published_path(db).exists():
        pending.add("publish")
    return [s for s in STEPS if s in pending]


def done(db: Path, step: str) -> None:
    """Record that ``step`` has been done."""
    _marker(db, step).unlink(missing_ok=True)


def publish(db: Path) -> Path:
    """Checkpoint ``db`` (folding its write-ahead log into the file) and copy it
    to :func:`published_path` atomically (temporary file, fsync, rename).
    The caller must hold the writer lock and no open connection to ``db``.
    Returns the published path. Raises :class:`warehouse.store.WarehouseInUseError` when another
    process holds ``db`` and ``OSError`` when the copy fails (the previous
    published copy is then left as it was)."""
    dest = published_path(db)
    con = connect(db)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        with open(db, "rb") as fi, open(tmp, "wb") as fo:
            shutil.copyfileobj(fi, fo, 1 << 22)
            fo.flush()
            os.fsync(fo.fileno())
            crash_point("publish-copied")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    dir_fd = os.open(dest.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return dest


def remove_stale_temporaries(folder: Path) -> int:
    """Delete ``.*.tmp`` files left in ``folder`` (not recursive) by a run that
    was killed while copying; call only while holding the writer lock. Returns
    how many were removed."""
    n = 0
    for p in folder.glob(".*.tmp"):
        p.unlink(missing_ok=True)
        n += 1
    return n
