"""Prefect flow ``consolidate``: the recap workbooks and PDFs of every year
and period that has data (:mod:`warehouse.exporters`), written into
``<home>/outputs``. It runs after each inbox run that changed the warehouse
and on its own schedule (``kinerja serve``). It reads the analysts' published
copy (:mod:`warehouse.publish`) on one connection, so it never waits for a
writer and never blocks one, and evaluates each view once for all periods;
a period's files are written again only when what they show changed
(:func:`warehouse.exporters.refresh_report`), each under a temporary name
and renamed."""
from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipeline.config import Settings
from warehouse.publish import reader_path
from warehouse.exporters import periods_with_data, recap_lock, refresh_report, snapshot_report_views, write_report
from warehouse.store import Warehouse


def write_one(settings: Settings, year: int, period: str, unit: str | None = None) -> tuple[Path, Path]:
    """Write one recap (XLSX and PDF) from a read-only connection; see :func:`warehouse.exporters.write_report`."""
    with recap_lock(settings.outputs), Warehouse(reader_path(settings.database)).connect(read_only=True) as con:
        return write_report(con, year, period, settings.outputs, unit)


@task(name="write-recap", cache_policy=NO_CACHE)
def write_recap(con, settings: Settings, year: int, period: str) -> tuple[list[str], bool]:
    """One period's recap, read on ``con`` (the flow's read-only connection):
    its two files, and whether they were written (else they were up to date)."""
    paths, written = refresh_report(con, year, period, settings.outputs)
    return [str(p) for p in paths], written


@flow(name="consolidate", log_prints=False)
def consolidate(home: str | None = None) -> list[str]:
    """Bring the recap of every (year, period) with at least one realisation
    up to date; returns the recap files (written now or already up to date)."""
    settings = Settings(home=Path(home)) if home else Settings()
    if not settings.database.exists():
        return []
    with recap_lock(settings.outputs), Warehouse(reader_path(settings.database)).connect(read_only=True) as con:
        todo = periods_with_data(con)
        if todo:
            snapshot_report_views(con)      # the views are evaluated once for all periods
        done = [write_recap(con, settings, year, period) for year, period in todo]
    files = [f for paths, _w in done for f in paths]
    get_run_logger().info("consolidate: %d periods in %s, %d rewritten, %d unchanged", len(todo), settings.outputs,
                          sum(w for _p, w in done), sum(not w for _p, w in done))
    return files
