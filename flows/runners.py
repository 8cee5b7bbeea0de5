"""Task runners: local threads, or a Dask cluster (prefect-dask)."""
from __future__ import annotations

from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.config import Settings


def task_runner(settings: Settings):
    """The runner for the extraction tasks of ``settings``: a
    ``DaskTaskRunner`` on the scheduler at ``settings.dask_address`` when one is
    set (each Dask worker then runs whole documents, with its own page threads
    and Tesseract), else a thread pool of ``settings.workers`` threads.
    Loading stays in the flow's process: DuckDB has one writer."""
    if settings.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=settings.dask_address)
    return ThreadPoolTaskRunner(max_workers=settings.workers)
