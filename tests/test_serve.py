"""``kinerja serve`` as a real process: it starts its own Prefect server on
127.0.0.1, serves the two deployments on their schedules, processes a file
dropped into the inbox, shows the run in the server's history, leaves a file
still being copied for later, and stops everything cleanly on SIGTERM."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from .conftest import REPO, SAMPLES
from .unattended import age, free_port, kinerja, kinerja_env


def _api(url: str, path: str, body: dict | None = None, attempts: int = 6):
    """POST to the Prefect API. A 503 is retried, as Prefect's own client does:
    the server answers 503 when its SQLite database is briefly locked by a
    scheduled run writing at the same moment (PrefectHQ/prefect#10188, #18934)."""
    for attempt in range(attempts):
        req = urllib.request.Request(f"{url}{path}", data=json.dumps(body or {}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            if e.code != 503 or attempt == attempts - 1:
                raise
            time.sleep(1 + attempt)


def _wait(cond, timeout: float, what: str):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        v = cond()
        if v:
            return v
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_schedules_runs_and_stops_on_sigterm(tmp_path):
    home, port = tmp_path / "home", free_port()
    (home / "inbox").mkdir(parents=True)
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--home", str(home), "--every", "0.1",
                             "--nightly", "30 2 * * *", "--port", str(port)], cwd=REPO,
                            env=kinerja_env(home / "prefect"), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        info_file = home / "prefect" / "server.json"
        info = _wait(lambda: info_file.exists() and json.loads(info_file.read_text()), 120, "the server")
        api = info["api_url"]
        assert api == f"http://127.0.0.1:{port}/api"
        deployments = _wait(lambda: len(_api(api, "/deployments/filter")) == 2 and _api(api, "/deployments/filter"),
                            60, "the deployments")
        schedules = {d["name"]: [s["schedule"] for s in d["schedules"]] for d in deployments}
        assert schedules["inbox"][0]["interval"] == 6.0
        assert schedules["nightly"][0]["cron"] == "30 2 * * *"

        # a file still being copied (young) is left; a settled file is processed
        young = home / "inbox" / "sop-pengelolaan-arsip-digital.pdf"
        settled = ["sop-pelaporan-kinerja-digital.pdf", "pk-2024-ikp.pdf", "lapkin-tw1-2024-ikp.pdf"]
        for name in settled:
            (home / "inbox" / name).write_bytes((SAMPLES / "inbox" / name).read_bytes())
        age(home / "inbox")
        _wait(lambda: not any((home / "inbox" / n).exists() for n in settled), 90, "the scheduled run")
        _wait(lambda: (home / "kinerja-readonly.duckdb").exists(), 30, "the analysts' copy")
        status = kinerja(["status", "--home", str(home)], kinerja_env(home / "prefect"), timeout=60)
        assert f"Scheduler: running, UI at http://127.0.0.1:{port}" in status.stdout, status.stdout

        with open(young, "wb") as fh:                       # being copied: grows while runs pass
            for _ in range(12):
                fh.write(b"%PDF-1.4\n" + b"0" * 1000)
                fh.flush()
                time.sleep(1)
        assert young.exists()

        ids = {d["name"]: d["id"] for d in deployments}
        runs = _api(api, "/flow_runs/filter", {"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}})
        assert any(r["deployment_id"] == ids["inbox"] for r in runs)

        # the nightly recap, started now instead of at 02:30, runs on the served process and writes the files
        for p in (home / "outputs").iterdir():
            p.unlink()
        nightly = _api(api, f"/deployments/{ids['nightly']}/create_flow_run", {})
        _wait(lambda: _api(api, "/flow_runs/filter", {"flow_runs": {"id": {"any_": [nightly["id"]]}}})[0]
              ["state"]["type"] == "COMPLETED", 90, "the nightly consolidate run")
        written = {p.name for p in (home / "outputs").iterdir()}
        assert {"rekap-2024-tw1.pdf", "rekap-2024-tw1.xlsx"} <= written, written
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(60)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            log.close()
    assert rc == 0, (tmp_path / "serve.log").read_text()[-3000:]
    assert not _alive(info["server_pid"]), "the Prefect server outlived kinerja serve"
    assert not (home / "prefect" / "server.json").exists()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "the port is still served"
