"""Named points at which a crash test kills the process (SIGKILL, as a power
cut would), to prove that a run killed anywhere leaves nothing half done.

Set ``KINERJA_CRASH_AT=<name>`` (or ``<name>:<n>`` for the n-th time the point
is reached) in the environment of a run; without it the points cost one
dictionary lookup. Used by ``tests/test_crash_safety.py`` and, with the point
``worker:<file name>`` (an extraction process reading that file dies),
``tests/test_workers.py``.
"""
from __future__ import annotations

import os
import signal
import threading

ENV = "KINERJA_CRASH_AT"
_seen: dict[str, int] = {}
_lock = threading.Lock()


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL when ``$KINERJA_CRASH_AT`` names this point."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    target, sep, nth = spec.rpartition(":")
    if not sep or not nth.isdigit():
        target, nth = spec, ""
    if target != name:
        return
    with _lock:
        _seen[name] = _seen.get(name, 0) + 1
        hit = _seen[name] == int(nth or 1)
    if hit:
        os.kill(os.getpid(), signal.SIGKILL)
