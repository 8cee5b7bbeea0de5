"""The bookkeeping of one inbox run, without the orchestrator (no Prefect here:
this is the glue where the pipeline meets the warehouse): open the
warehouse, triage the inbox (hash, archive, skip what is known), quarantine
with a reason, and record the run. ``flows.process_inbox`` composes these with
the extraction and loading tasks; ``kinerja run`` uses them alone when the
inbox holds nothing new (no need to start Prefect to skip files).

Crash safety (a run killed at any instant, then run again, ends as an
uninterrupted run would): the original bytes are archived (temporary file,
fsync, rename) before anything else; a document is loaded in one transaction
and only then removed from the inbox; a quarantine is recorded before the file
is moved, and a re-run finishes a recorded move instead of recording it twice.
"""
from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator

from pipeline.config import Settings
from pipeline.crash_points import crash_point
from pipeline.errors import KinerjaError
from pipeline.events import JsonLog, emit, subscribe
from pipeline.inbox import InboxFile, archive_copy, quarantine, quarantine_target, remove_processed, scan_inbox, sha256_file
from pipeline.models import DocumentResult
from pipeline.writer_lock import writer_lock
from warehouse import publish
from warehouse.publish import remove_stale_temporaries
from warehouse.store import Warehouse

STATUSES = ("processed", "skipped", "quarantined", "waiting")


@dataclass
class FileOutcome:
    """What happened to one inbox file: ``status`` is one of :data:`STATUSES`;
    ``message`` is for the secretariat."""

    name: str
    status: str
    message: str = ""
    doc_type: str | None = None
    pages: int = 0
    document_id: int | None = None


@dataclass
class RunSummary:
    """The outcome of one run: ``seconds`` wall time, ``outputs`` the recap files written."""

    run_id: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.outcomes if o.status == "processed")

    def add(self, outcome: FileOutcome, **extra) -> FileOutcome:
        """Record ``outcome`` and emit it as a ``file_done`` event."""
        self.outcomes.append(outcome)
        emit("file_done", run_id=self.run_id, name=outcome.name, status=outcome.status, message=outcome.message,
             pages=outcome.pages, document_id=outcome.document_id, doc_type=outcome.doc_type, **extra)
        return outcome


class UnexpectedError(KinerjaError):
    """A bug or an unforeseen input: the file is quarantined so the batch goes on."""

    code = "unexpected_error"
    advice = ("This file hit a problem the software does not handle yet. It is kept in quarantine; "
              "send it to the maintainers, or put it back in the inbox after an update.")


@dataclass(frozen=True)
class Pending:
    """A new file, archived and waiting for extraction: ``archived`` is its archive path."""

    item: InboxFile
    sha256: str
    archived: str
    received_at: datetime


def new_run_id() -> str:
    return f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def open_warehouse(settings: Settings) -> Warehouse:
    """Create the data home's folders, remove temporaries of a killed run,
    migrate the warehouse and store the configured bands and deadlines (when
    they changed, the views change: the analysts' copy and the recap files are
    then marked as due). Call with the writer lock held. Raises
    :class:`ConfigurationError`."""
    settings.ensure_dirs()
    bands, deadlines = settings.bands(), settings.deadline_days()
    for folder in (settings.home, *settings.archive.glob("??")):
        remove_stale_temporaries(folder)
    wh = Warehouse(settings.database)
    wh.migrate()
    changed = wh.set_bands(bands)
    if wh.set_deadlines(deadlines) or changed:
        publish.mark_todo(settings.database, "publish", "consolidate")
    return wh


@contextmanager
def publishing(settings: Settings) -> Iterator[None]:
    """Around a write outside an inbox run (a review decision, an indicator
    file): the follow-up steps are marked first, the analysts' copy is
    published after; the recap files follow on the next run or the nightly one."""
    publish.mark_todo(settings.database, "publish", "consolidate")
    yield
    publish.publish(settings.database)
    publish.done(settings.database, "publish")


def quarantine_file(wh: Warehouse, item: InboxFile, err: KinerjaError, sha: str | None, archived: str | None,
                    settings: Settings, summary: RunSummary) -> FileOutcome:
    """Record the error, then move the file to quarantine with its reason
    (in this order, so that a crash in between is finished by the next run
    without a second error row)."""
    publish.mark_todo(settings.database, "publish")     # rpt_quarantine changes
    dest = wh.pending_quarantine(sha, item.name)
    if dest is None:
        dest = str(quarantine_target(item, settings.quarantine))
        wh.record_error(sha256=sha, original_name=item.name, code=err.code, message=err.message, detail=err.detail,
                        quarantine_path=dest, archived_path=archived, run_id=summary.run_id)
    crash_point("quarantine-recorded")
    quarantine(item, err, settings.quarantine, dest=Path(dest))
    return summary.add(FileOutcome(item.name, "quarantined", f"{err.message} -> {Path(dest).name}"),
                       error_code=err.code)


#: Hashes already computed in this run, by ``(path, size, mtime)``.
HashCache = dict[tuple[Path, int, float], str]


def _sha256(item: InboxFile, cache: HashCache) -> str:
    key = (item.path, item.size, item.mtime)
    if key not in cache:
        cache[key] = sha256_file(item.path)
    return cache[key]


def triage(settings: Settings, wh: Warehouse, summary: RunSummary, hashes: HashCache | None = None) -> list[Pending]:
    """Scan the inbox; leave files still being copied; quarantine links; hash and
    archive every ready file (a hash in ``hashes`` for the same path, size and
    mtime is not computed again); skip (and remove from the inbox) files whose
    hash is already in the warehouse or earlier in this batch. Returns the new
    files, in name order."""
    hashes = {} if hashes is None else hashes
    scan = scan_inbox(settings.inbox, settings.settle_seconds)
    for item in scan.waiting:
        summary.add(FileOutcome(item.name, "waiting", "still being copied; left for the next run"))
    for item, err in scan.unsafe:
        quarantine_file(wh, item, err, None, None, settings, summary)
    hashed: list[tuple[InboxFile, str, str, datetime]] = []
    for item in scan.ready:
        received_at = datetime.now()
        try:
            sha = _sha256(item, hashes)
            archived = str(archive_copy(item.path, sha, settings.archive))
            crash_point("archived")
            grown = item.path.stat().st_size != item.size
        except FileNotFoundError:
            summary.add(FileOutcome(item.name, "waiting", "vanished from the inbox during the run"))
            continue
        if grown:
            summary.add(FileOutcome(item.name, "waiting", "still growing; left for the next run"))
            continue
        hashed.append((item, sha, archived, received_at))
    known = wh.known_documents([sha for _i, sha, _a, _r in hashed])
    pending: dict[str, Pending] = {}
    for item, sha, archived, received_at in hashed:
        if sha in known:
            doc_id, name = known[sha]
            remove_processed(item)
            summary.add(FileOutcome(item.name, "skipped", f"already processed as document #{doc_id} ('{name}')"))
        elif sha in pending:
            remove_processed(item)
            summary.add(FileOutcome(item.name, "skipped",
                                    f"same content as '{pending[sha].item.name}' in this batch"))
        else:
            pending[sha] = Pending(item, sha, archived, received_at)
    return list(pending.values())


def processed(pending: Pending, doc: DocumentResult, doc_id: int, summary: RunSummary) -> FileOutcome:
    """After the document's transaction committed: remove it from the inbox and record the outcome."""
    crash_point("loaded")
    remove_processed(pending.item)
    note = f" (needs review: {'; '.join(doc.warnings)})" if doc.warnings else ""
    return summary.add(FileOutcome(pending.item.name, "processed", doc.classification.doc_type + note,
                                   doc.classification.doc_type, len(doc.pages), doc_id),
                       sha256=pending.sha256, seconds=doc.seconds)


def record_run(wh: Warehouse, settings: Settings, summary: RunSummary, started_at: datetime) -> None:
    """Write the run's counts into ``raw_runs`` and emit ``run_finished``."""
    counts = {s: summary.count(s) for s in STATUSES}
    wh.record_run(summary.run_id, started_at, str(settings.inbox), counts, summary.pages, summary.seconds)
    emit("run_finished", run_id=summary.run_id, counts=counts, pages=summary.pages, seconds=summary.seconds)


def needs_extraction(settings: Settings, wh: Warehouse, hashes: HashCache) -> bool:
    """Whether the inbox holds a ready file whose hash is not in the warehouse or
    a link to quarantine, or a follow-up step of an earlier run is still to do
    (read-only check; the hashes computed are kept in ``hashes``)."""
    scan = scan_inbox(settings.inbox, settings.settle_seconds)
    if publish.todo(settings.database) or scan.unsafe:
        return True
    shas = []
    for item in scan.ready:
        try:
            shas.append(_sha256(item, hashes))
        except FileNotFoundError:
            continue
    known = wh.known_documents(shas)
    return any(sha not in known for sha in shas)


def quick_run(settings: Settings, lock_wait: float = 600.0, on_wait=None) -> RunSummary | None:
    """A run without Prefect, for the common case of an inbox with nothing new
    (files already processed, files still being copied): triage and
    record the run. Returns ``None``, having changed nothing, when there is
    something to extract or a follow-up step to finish: then run the flow."""
    settings.ensure_dirs()
    unsubscribe = subscribe(JsonLog(settings.logs))
    try:
        with writer_lock(settings.home, "kinerja run", wait=lock_wait, on_wait=on_wait):
            t0, started = time.perf_counter(), datetime.now()
            wh = open_warehouse(settings)
            hashes: HashCache = {}
            if needs_extraction(settings, wh, hashes):
                return None
            summary = RunSummary(new_run_id())
            emit("run_started", run_id=summary.run_id, inbox=str(settings.inbox), home=str(settings.home))
            for p in triage(settings, wh, summary, hashes):     # arrived after the check: left for the next run
                summary.add(FileOutcome(p.item.name, "waiting", "arrived during the run; left for the next run"))
            summary.seconds = round(time.perf_counter() - t0, 2)
            record_run(wh, settings, summary, started)
            return summary
    finally:
        unsubscribe()
