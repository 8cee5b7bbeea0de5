"""The data home's single-writer lock.

Only one process may write the warehouse at a time (DuckDB allows one writer,
../shared/STACK.md). The lock is an OS file lock (filelock, ``flock``), so a
run killed with ``kill -9`` or a power cut releases it with the process; the
owner file beside it says who holds it (pid, command, since when) so a second
run can tell the clerk what it is waiting for.
"""
from __future__ import annotations

import json
import os
import socket
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from filelock import FileLock, Timeout

from .errors import TransientError

LOCK_NAME = ".writer.lock"
OWNER_NAME = ".writer.owner"


class WarehouseBusyError(TransientError):
    """Another process holds the writer lock for longer than we may wait."""

    code = "warehouse_busy"
    advice = ("Another kinerja run is writing the warehouse. Nothing is lost: try again when it has "
              "finished (the scheduled runs try again by themselves).")


def lock_owner(home: Path) -> str:
    """Who holds (or last held) the lock, in words; ``"unknown"`` when not recorded."""
    try:
        o = json.loads((home / OWNER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "unknown"
    return f"pid {o.get('pid')} on {o.get('host')}, `{o.get('command')}`, since {o.get('since')}"


def current_holder(home: Path) -> str | None:
    """:func:`lock_owner` when the lock is held right now, ``None`` when it is free
    (tested without waiting)."""
    lock = FileLock(str(home / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return lock_owner(home)
    lock.release()
    return None


@contextmanager
def writer_lock(home: Path, command: str, wait: float = 600.0,
                on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the writer lock of data home ``home`` for the ``with`` block.

    ``wait``: seconds to wait for another holder (0: do not wait); ``on_wait``
    is called once with :func:`lock_owner` when we have to wait. Raises
    :class:`WarehouseBusyError` when the lock is still held after ``wait``.
    """
    home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(home / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(lock_owner(home))
        try:
            lock.acquire(timeout=max(wait, 0))
        except Timeout:
            raise WarehouseBusyError(f"Another run is writing to {home} ({lock_owner(home)}).") from None
    try:
        (home / OWNER_NAME).write_text(json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(), "command": command,
            "since": f"{datetime.now():%Y-%m-%d %H:%M:%S}"}), encoding="utf-8")
        yield
    finally:
        lock.release()
