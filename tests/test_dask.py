"""The same flow on a Dask cluster (prefect-dask's DaskTaskRunner): a local
cluster of two worker processes extracts the documents, the flow's own
process loads them (one DuckDB writer)."""
from __future__ import annotations

import os

import duckdb
import pytest

from .unattended import fill_inbox

distributed = pytest.importorskip("distributed", reason="prefect-dask (and distributed) are project dependencies")


def test_flow_on_a_two_worker_dask_cluster(harness, settings):
    from flows.process_inbox import configured
    from pipeline.config import Settings

    names = ["sop-pelaporan-kinerja-digital.pdf", "sop-pengelolaan-arsip-digital.pdf", "pk-2024-ikp.pdf",
             "lapkin-tw1-2024-ikp.pdf"]
    fill_inbox(settings.inbox, names)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        worker_pids = set(client.run(os.getpid).values())
        with distributed.get_task_stream(client) as stream:
            s = Settings(home=settings.home, settle_seconds=0, dask_address=cluster.scheduler_address)
            summary = configured(s)(str(settings.home))
        extract = [t["worker"] for t in stream.data if t["key"].startswith("extract_document-")]
    assert [o.status for o in summary.outcomes] == ["processed"] * 4
    assert len(worker_pids) == 2 and os.getpid() not in worker_pids
    assert len(extract) == 4 and len(set(extract)) == 2        # every extraction ran on the cluster, on both workers
    con = duckdb.connect(str(settings.home / "kinerja-readonly.duckdb"), read_only=True)
    try:
        assert sorted(r[0] for r in con.execute("select original_name from rpt_documents").fetchall()) == sorted(names)
    finally:
        con.close()
