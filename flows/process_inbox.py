"""The ``process_inbox`` flow: inbox -> archive -> extraction -> DuckDB, with
quarantine for files that cannot be read."""
from __future__ import annotations

import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.consolidate import consolidate
from pipeline.catalogue import build_catalogue, map_report_lines
from pipeline.config import Settings
from pipeline.errors import InputFileError, KinerjaError, TransientError
from pipeline.inbox import InboxFile, archive_copy, quarantine, remove_processed, scan_inbox, sha256_file
from pipeline.models import DocumentResult
from pipeline.process import make_ocr, process_file
from warehouse.store import Warehouse


@dataclass
class FileOutcome:
    """What happened to one inbox file: ``status`` is processed, skipped,
    quarantined or waiting; ``message`` is for the secretariat."""

    name: str
    status: str
    message: str = ""
    doc_type: str | None = None
    pages: int = 0
    document_id: int | None = None


@dataclass
class RunSummary:
    run_id: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.outcomes if o.status == "processed")


class UnexpectedError(KinerjaError):
    """A bug or an unforeseen input: the file is quarantined so the batch goes on."""

    code = "unexpected_error"
    advice = ("This file hit a problem the software does not handle yet. It is kept in quarantine; "
              "send it to the maintainers, or put it back in the inbox after an update.")


def _is_transient(task, task_run, state) -> bool:
    try:
        state.result()
    except TransientError:
        return True
    except Exception:
        return False
    return False


@task(name="extract-document", retries=2, retry_delay_seconds=3, retry_condition_fn=_is_transient,
      cache_policy=NO_CACHE)
def extract_document(path: Path, sha256: str, name: str, settings: Settings) -> DocumentResult | InputFileError:
    """Pages, OCR, classification and parsing of one file (retried only when OCR
    died). A file that can never be read is an expected outcome, returned as its
    :class:`InputFileError` rather than raised, so Prefect does not log it as a crash."""
    try:
        return process_file(path, sha256, name, settings, make_ocr(settings))
    except InputFileError as err:
        return err


@task(name="load-document", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def load_document(doc: DocumentResult, archived: str, received_at: datetime, run_id: str, db: Path) -> int:
    """One transaction per document (retried: the file may be briefly locked)."""
    return Warehouse(db).load_document(doc, archived, received_at, run_id)


def refresh_indicators(db: Path, run_id: str) -> tuple[int, int]:
    """Rebuild the indicator catalogue from PKs, Rencana Aksi and the indicator
    file, then map every report line to it. Returns ``(catalogue entries,
    report lines matched)``."""
    wh = Warehouse(db)
    entries = build_catalogue(wh.catalogue_sources())
    wh.save_catalogue(entries, run_id)
    matches = map_report_lines(entries, wh.report_lines())
    wh.save_matches(run_id, matches)
    return len(entries), sum(1 for *_x, m in matches if m.mapped)


@task(name="map-indicators", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def map_indicators(db: Path, run_id: str) -> tuple[int, int]:
    """:func:`refresh_indicators` as a task (retried: the file may be briefly locked)."""
    return refresh_indicators(db, run_id)


def _quarantine(wh: Warehouse, item: InboxFile, err: KinerjaError, sha: str | None, archived: str | None,
                settings: Settings, run_id: str) -> FileOutcome:
    dest = quarantine(item, err, settings.quarantine)
    wh.record_error(sha256=sha, original_name=item.name, code=err.code, message=err.message, detail=err.detail,
                    quarantine_path=str(dest), archived_path=archived, run_id=run_id)
    return FileOutcome(item.name, "quarantined", f"{err.message} -> {dest.name}")


@flow(name="process_inbox", task_runner=ThreadPoolTaskRunner(max_workers=2), log_prints=True)
def process_inbox(home: str, inbox: str | None = None) -> RunSummary:
    """Process every ready file of the inbox. Files are hashed and archived first;
    already-processed hashes are skipped (and removed from the inbox, their bytes
    being archived); extraction runs two files at a time; loads are serial (one
    DuckDB writer); failures go to quarantine with a reason and the batch goes on."""
    t0 = time.perf_counter()
    settings = Settings(home=Path(home), inbox_override=Path(inbox) if inbox else None)
    settings.ensure_dirs()
    wh = Warehouse(settings.database)
    wh.migrate()
    wh.set_bands(settings.bands())
    wh.set_deadlines(settings.deadline_days())
    run_id = f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    log = get_run_logger()
    summary = RunSummary(run_id)
    scan = scan_inbox(settings.inbox, settings.settle_seconds)
    for item in scan.waiting:
        summary.outcomes.append(FileOutcome(item.name, "waiting", "still being copied; left for the next run"))
    for item, err in scan.unsafe:
        summary.outcomes.append(_quarantine(wh, item, err, None, None, settings, run_id))

    pending = []
    for item in scan.ready:
        received_at = datetime.now()
        try:
            sha = sha256_file(item.path)
            archived = str(archive_copy(item.path, sha, settings.archive))
        except FileNotFoundError:
            summary.outcomes.append(FileOutcome(item.name, "waiting", "vanished from the inbox during the run"))
            continue
        if item.path.stat().st_size != item.size:
            summary.outcomes.append(FileOutcome(item.name, "waiting", "still growing; left for the next run"))
            continue
        known = wh.find_document(sha)
        if known:
            remove_processed(item)
            summary.outcomes.append(FileOutcome(item.name, "skipped",
                                                f"already processed as document #{known[0]} ('{known[1]}')"))
            continue
        pending.append((item, sha, archived, received_at,
                        extract_document.submit(item.path, sha, item.name, settings)))

    for item, sha, archived, received_at, fut in pending:
        try:
            doc = fut.result()
            if isinstance(doc, InputFileError):
                raise doc
            doc_id = load_document(doc, archived, received_at, run_id, settings.database)
        except KinerjaError as err:
            if err.transient:
                summary.outcomes.append(FileOutcome(item.name, "waiting", f"{err.message} (will retry next run)"))
                continue
            summary.outcomes.append(_quarantine(wh, item, err, sha, archived, settings, run_id))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
            log.error("unexpected error on %s: %s", item.name, traceback.format_exc())
            err = UnexpectedError(f"'{item.name}' could not be processed because of an unexpected error.",
                                  detail=f"{type(exc).__name__}: {exc}")
            summary.outcomes.append(_quarantine(wh, item, err, sha, archived, settings, run_id))
            continue
        remove_processed(item)
        summary.outcomes.append(FileOutcome(item.name, "processed", doc.classification.doc_type
                                            + (f" (needs review: {'; '.join(doc.warnings)})" if doc.warnings else ""),
                                            doc.classification.doc_type, len(doc.pages), doc_id))
    if summary.count("processed"):
        entries, mapped = map_indicators(settings.database, run_id)
        log.info("indicator catalogue: %d entries; %d report rows mapped", entries, mapped)
    summary.seconds = round(time.perf_counter() - t0, 2)
    wh.record_run(run_id, datetime.now(), str(settings.inbox),
                  {s: summary.count(s) for s in ("processed", "skipped", "quarantined", "waiting")},
                  summary.pages, summary.seconds)
    if summary.count("processed"):
        summary.outputs = consolidate(str(settings.home))
    return summary
