"""Kill -9 a real ``kinerja run`` at several points, run again, and compare with
an uninterrupted run: same rows in every raw table (no duplicates), same
archive, same quarantine, same recap files, nothing left in the inbox, and
the analysts' copy published. The points are named in the code
(``pipeline.crash_points``); the run is killed with SIGKILL, as by a power cut."""
from __future__ import annotations

import json
import shutil
import signal
from pathlib import Path

import duckdb
import pytest

from warehouse.exporters import MANIFEST_NAME

from .conftest import SAMPLES
from .unattended import age, file_hashes, fill_inbox, kinerja, kinerja_env, snapshot

INPUTS = ["pk-2024-ikp.pdf", "renaksi-2024-ikp.pdf", "lapkin-tw1-2024-ikp.pdf", "lapkin-tw3-2024-ikp.pdf",
          "sop-pelaporan-kinerja-digital.pdf"]

#: (crash point, n-th time it is reached): before/inside/after a document's
#: transaction, between recording and moving a quarantined file, after the
#: indicator mapping, half-way through publishing the analysts' copy, and
#: between writing the second recap and recording it in the outputs' manifest.
POINTS = ["archived:3", "load-uncommitted:2", "loaded:4", "quarantine-recorded", "mapped", "publish-copied",
          "recap-written:2"]
#: Points whose killed run and re-run start Prefect's temporary API themselves, as
#: ``kinerja run`` does by default; the others report to a running Prefect server,
#: as runs do while ``kinerja serve`` is up (and each run starts about 8 s sooner).
ON_TEMPORARY_API = {"loaded:4"}


def _inbox(home: Path) -> None:
    fill_inbox(home / "inbox", INPUTS)
    good = (SAMPLES / "inbox" / "pk-2024-ikp.pdf").read_bytes()
    (home / "inbox" / "pk-2024-ikp (salinan).pdf").write_bytes(good)         # same bytes, other name
    (home / "inbox" / "rusak.pdf").write_bytes(good[: len(good) // 2])       # truncated: quarantined
    age(home / "inbox")


def _state(home: Path) -> dict:
    outputs = sorted(p.name for p in (home / "outputs").iterdir())
    quarantined = sorted(p.name.split("_", 1)[1] for p in (home / "quarantine").iterdir())
    pub = duckdb.connect(str(home / "kinerja-readonly.duckdb"), read_only=True)
    try:
        published = pub.execute("select count(*) from raw_documents").fetchone()[0]
    finally:
        pub.close()
    return {"tables": snapshot(home / "kinerja.duckdb"), "archive": file_hashes(home / "archive"),
            "quarantine": quarantined, "outputs": outputs, "inbox": sorted(p.name for p in (home / "inbox").iterdir()),
            "published_documents": published, "recaps": {stem: entry["fingerprint"] for stem, entry in json.loads(
                (home / "outputs" / MANIFEST_NAME).read_text()).items()},
            "todo": sorted(p.name for p in home.glob("kinerja.duckdb.todo-*"))}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    base = tmp_path_factory.mktemp("crash")
    home = base / "reference"
    _inbox(home)
    r = kinerja(["run", "--home", str(home)], kinerja_env(base / "prefect"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "leaked" not in r.stderr, r.stderr      # no binding noise at exit (the flow undoes gc.freeze)
    state = _state(home)
    assert state["inbox"] == [] and state["todo"] == []
    assert len(state["tables"]["raw_documents"]) == 5 and len(state["tables"]["raw_errors"]) == 1
    assert state["outputs"], "the reference run wrote no recap files"
    return base, state


@pytest.mark.parametrize("point", POINTS)
def test_killed_run_then_rerun_equals_uninterrupted(reference, prefect_api, point):
    base, expected = reference
    api = None if point in ON_TEMPORARY_API else prefect_api
    home = base / point.replace(":", "-")
    _inbox(home)
    before = file_hashes(home / "inbox")
    killed = kinerja(["run", "--home", str(home)], kinerja_env(base / "prefect", api, KINERJA_CRASH_AT=point))
    assert killed.returncode == -signal.SIGKILL, f"{point} was never reached:\n{killed.stdout}{killed.stderr}"
    # nothing lost while dead: every input is still in the inbox, or archived, or in quarantine
    assert before <= file_hashes(home / "inbox") | file_hashes(home / "archive") | file_hashes(home / "quarantine")

    again = kinerja(["run", "--home", str(home)], kinerja_env(base / "prefect", api))
    assert again.returncode == 0, again.stdout + again.stderr
    state = _state(home)
    assert state["tables"] == expected["tables"]
    for key in ("archive", "quarantine", "outputs", "inbox", "published_documents", "recaps", "todo"):
        assert state[key] == expected[key], key
    assert not list(home.glob(".*.tmp")) and not list((home / "archive").rglob(".*.tmp"))
    shutil.rmtree(home)
