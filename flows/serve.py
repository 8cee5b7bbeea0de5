"""``kinerja serve``: the long-running process of an unattended installation.

Prefect schedules nothing on its ephemeral API (../shared/STACK.md), so this
process starts a local Prefect server on 127.0.0.1 as a supervised child
(state under ``<home>/prefect``, log in ``<home>/logs/prefect-server.log``),
points itself at it and serves two deployments with ``prefect.serve``:
``process_inbox/inbox`` (every few minutes, or a cron) and
``consolidate/nightly`` (a cron). SIGTERM or Ctrl-C stops the runner and then
the server; if this process dies anyhow, the kernel stops the server too
(``PR_SET_PDEATHSIG``). While it runs, ``<home>/prefect/server.json`` tells
``kinerja run`` and ``kinerja status`` where the server is, so manual runs show
in the same UI and history.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from datetime import timedelta
from pathlib import Path

from pipeline.config import Settings
from pipeline.errors import KinerjaError

SERVER_FILE = "server.json"


class ServeError(KinerjaError):
    code = "serve_failed"
    exit_code = 69
    advice = ("Look at logs/prefect-server.log in the data home. If the port is taken, choose another with "
              "`kinerja serve --port`; if another `kinerja serve` runs for this data home, stop it first.")


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def running_server(home: Path) -> str | None:
    """The API URL of the server a live ``kinerja serve`` started for ``home``, else ``None``."""
    try:
        info = json.loads((home / "prefect" / SERVER_FILE).read_text(encoding="utf-8"))
        os.kill(int(info["pid"]), 0)
    except (OSError, ValueError, KeyError):
        return None
    return str(info["api_url"])


class PrefectServer:
    """A ``prefect server start`` child process on ``host:port``; a context
    manager that waits for ``/api/health`` (up to ``timeout`` seconds) and
    stops the server (SIGTERM, then SIGKILL after 20 s) on exit. Raises
    :class:`ServeError` when the port is taken or the server does not come up."""

    def __init__(self, home: Path, host: str = "127.0.0.1", port: int = 4200, timeout: float = 120.0):
        self.home, self.host, self.port, self.timeout = Path(home), host, port, timeout
        self.proc: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}/api"

    def _port_free(self) -> bool:
        with socket.socket() as s:
            return s.connect_ex((self.host, self.port)) != 0

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def __enter__(self) -> "PrefectServer":
        if not self._port_free():
            raise ServeError(f"Port {self.port} on {self.host} is already in use.")
        log_dir = self.home / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_dir / "prefect-server.log", "ab")
        env = {**os.environ, "PREFECT_HOME": str(self.home / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "DO_NOT_TRACK": "1"}
        env.pop("PREFECT_API_URL", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", self.host, "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True,
            preexec_fn=_die_with_parent)
        log.close()
        deadline = time.monotonic() + self.timeout
        while not self.healthy():
            if self.proc.poll() is not None:
                raise ServeError(f"The Prefect server stopped at start (exit {self.proc.returncode}).")
            if time.monotonic() > deadline:
                self.stop()
                raise ServeError(f"The Prefect server did not answer within {self.timeout:.0f} s.")
            time.sleep(0.5)
        (self.home / "prefect" / SERVER_FILE).write_text(
            json.dumps({"pid": os.getpid(), "server_pid": self.proc.pid, "api_url": self.api_url}), encoding="utf-8")
        return self

    def stop(self) -> None:
        (self.home / "prefect" / SERVER_FILE).unlink(missing_ok=True)
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def __exit__(self, *exc) -> None:
        self.stop()


def serve(settings: Settings, interval_minutes: float | None, cron: str | None, nightly_cron: str,
          port: int, on_ready=None) -> None:
    """Start the server and serve the two deployments until SIGTERM or Ctrl-C.

    ``interval_minutes`` or ``cron``: when ``process_inbox`` runs (one of the
    two); ``nightly_cron``: when ``consolidate`` runs (server's time zone:
    the machine's). ``on_ready(api_url)`` is called once the deployments are
    about to be served. Raises :class:`ServeError`."""
    from filelock import FileLock, Timeout

    home = settings.home
    serve_lock = FileLock(str(home / ".serve.lock"))
    try:
        serve_lock.acquire(timeout=0)
    except Timeout:
        raise ServeError(f"`kinerja serve` already runs for {home}.") from None
    try:
        with PrefectServer(home, port=port) as server:
            os.environ["PREFECT_API_URL"] = server.api_url    # inherited by the flow-run processes
            from prefect import serve as prefect_serve
            from prefect.flows import EntrypointType
            from prefect.settings import PREFECT_API_URL, temporary_settings

            from flows.consolidate import consolidate
            from flows.process_inbox import process_inbox

            with temporary_settings({PREFECT_API_URL: server.api_url}):
                schedule = ({"cron": cron} if cron else
                            {"interval": timedelta(minutes=interval_minutes or settings.inbox_interval_minutes)})
                inbox = process_inbox.to_deployment(
                    name="inbox", parameters={"home": str(home)}, concurrency_limit=1,
                    description="Reads every new file of the inbox into the warehouse.",
                    entrypoint_type=EntrypointType.MODULE_PATH, **schedule)
                nightly = consolidate.to_deployment(
                    name="nightly", parameters={"home": str(home)}, cron=nightly_cron, concurrency_limit=1,
                    description="Writes the recap workbooks and PDFs from the analysts' copy.",
                    entrypoint_type=EntrypointType.MODULE_PATH)
                if on_ready:
                    on_ready(server.api_url)
                warnings.filterwarnings("ignore", message="coroutine 'Runner.astop' was never awaited")
                try:
                    prefect_serve(inbox, nightly, pause_on_shutdown=False, print_starting_message=False)
                except (KeyboardInterrupt, SystemExit):    # Ctrl-C; SIGTERM (Prefect's runner exits)
                    pass
    finally:
        serve_lock.release()
