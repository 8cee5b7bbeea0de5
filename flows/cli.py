"""The ``kinerja`` command line (typer + rich)."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Read SAKIP documents from the inbox into the DuckDB warehouse.")
console = Console()

HomeOpt = typer.Option(None, "--home", help="Data home (default: $KINERJA_HOME or ./data).")


def _home(home: Optional[Path]) -> Path:
    return (home or Path(os.environ.get("KINERJA_HOME", "data"))).resolve()


@contextmanager
def _writer_lock(home_dir: Path, timeout: float) -> Iterator[None]:
    """Hold the data home's single-writer lock, or end the command (exit 75)
    saying another run is writing."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(home_dir / ".writer.lock"))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        console.print(f"[red]Another kinerja run is writing to {home_dir}. Try again when it has finished.[/red]")
        raise typer.Exit(75) from None
    try:
        yield
    finally:
        lock.release()


@app.command()
def run(home: Optional[Path] = HomeOpt,
        inbox: Optional[Path] = typer.Option(None, "--inbox", help="Read this folder instead of <home>/inbox."),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="Show Prefect's log lines.")) -> None:
    """Process every file in the inbox once, then print a summary."""
    from flows.prefect_env import configure
    from pipeline.errors import KinerjaError

    home_dir = _home(home)
    home_dir.mkdir(parents=True, exist_ok=True)
    configure(home_dir, verbose)
    with _writer_lock(home_dir, timeout=5):
        try:
            from flows.process_inbox import process_inbox
            summary = process_inbox(str(home_dir), str(inbox.resolve()) if inbox else None)
        except KinerjaError as e:
            console.print(f"[red]{e.user_text()}[/red]")
            raise typer.Exit(e.exit_code)
    _print_summary(summary, home_dir)


def _print_summary(summary, home_dir: Path) -> None:
    colours = {"processed": "green", "skipped": "cyan", "quarantined": "red", "waiting": "yellow"}
    files = Table(title="Files", show_lines=False)
    files.add_column("file", overflow="fold")
    files.add_column("result")
    files.add_column("pages", justify="right")
    files.add_column("details", overflow="fold")
    for o in summary.outcomes:
        files.add_row(o.name, f"[{colours.get(o.status, 'white')}]{o.status}[/]", str(o.pages or ""), o.message)
    if summary.outcomes:
        console.print(files)
    t = Table(title=f"Run {summary.run_id}")
    for col in ("processed", "skipped", "quarantined", "waiting", "pages", "seconds"):
        t.add_column(col, justify="right")
    t.add_row(*(str(summary.count(s)) for s in ("processed", "skipped", "quarantined", "waiting")),
              str(summary.pages), f"{summary.seconds:.1f}")
    console.print(t)
    console.print(f"Warehouse: {home_dir / 'kinerja.duckdb'}  (try: duckdb -readonly {home_dir / 'kinerja.duckdb'} "
                  "\"select * from rpt_sop\")")
    if summary.count("quarantined"):
        console.print(f"[red]Quarantined files and their reasons: {home_dir / 'quarantine'}[/red]")


@app.command()
def indicators(file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                           help="The indicator file (CSV or XLSX; columns in the README)."),
               home: Optional[Path] = HomeOpt) -> None:
    """Import the secretariat's indicator file, rebuild the catalogue and map the report rows again."""
    import uuid
    from datetime import datetime

    from flows.process_inbox import refresh_indicators
    from pipeline.catalogue import read_indicator_file
    from pipeline.config import Settings
    from pipeline.errors import KinerjaError
    from pipeline.inbox import sha256_file
    from warehouse.store import Warehouse

    settings = Settings(home=_home(home))
    settings.ensure_dirs()
    wh = Warehouse(settings.database)
    with _writer_lock(settings.home, timeout=60):
        try:
            wh.migrate()
            wh.set_bands(settings.bands())
            rows = read_indicator_file(file, wh.next_import_id())
            import_id = wh.import_indicator_file(file.name, sha256_file(file), rows)
            entries, mapped = refresh_indicators(settings.database, f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}")
        except KinerjaError as e:
            console.print(f"[red]{e.user_text()}[/red]")
            raise typer.Exit(e.exit_code)
    console.print(f"Imported {len(rows)} indicators (import #{import_id}). Catalogue: {entries} indicators; "
                  f"{mapped} report rows mapped. See rpt_indicators, rpt_realisasi_triwulan and rpt_review.")


@app.command()
def sql(query: str, home: Optional[Path] = HomeOpt) -> None:
    """Run a read-only SQL query on the warehouse and print the result."""
    import duckdb
    db = _home(home) / "kinerja.duckdb"
    if not db.exists():
        console.print(f"[red]No warehouse at {db}: run `kinerja run` first.[/red]")
        raise typer.Exit(1)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rel = con.sql(query)
        table = Table()
        for c in rel.columns:
            table.add_column(c, overflow="fold")
        for row in rel.fetchall():
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
    finally:
        con.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
