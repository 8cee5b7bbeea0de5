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


def _existing_warehouse(home: Optional[Path]):
    """The settings of a data home whose warehouse exists, or end the command (exit 1) saying to run first."""
    from pipeline.config import Settings

    settings = Settings(home=_home(home))
    if not settings.database.exists():
        console.print(f"[red]No warehouse at {settings.database}: run `kinerja run` first.[/red]")
        raise typer.Exit(1)
    return settings


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
    if summary.outputs:
        console.print(f"Recap workbooks and PDFs ({len(summary.outputs)} files): {home_dir / 'outputs'}")
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
            wh.set_deadlines(settings.deadline_days())
            rows = read_indicator_file(file, wh.next_import_id())
            import_id = wh.import_indicator_file(file.name, sha256_file(file), rows)
            entries, mapped = refresh_indicators(settings.database, f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}")
        except KinerjaError as e:
            console.print(f"[red]{e.user_text()}[/red]")
            raise typer.Exit(e.exit_code)
    console.print(f"Imported {len(rows)} indicators (import #{import_id}). Catalogue: {entries} indicators; "
                  f"{mapped} report rows mapped. See rpt_indicators, rpt_realisasi_triwulan and rpt_review.")


@app.command()
def report(year: int = typer.Option(..., "--year", help="The year, e.g. 2024."),
           period: str = typer.Option("Y", "--period", help="TW1, TW2, TW3, TW4, S1, S2 or Y (the year)."),
           unit: Optional[str] = typer.Option(None, "--unit", help="Only this unit (part of its name, any case)."),
           home: Optional[Path] = HomeOpt) -> None:
    """Write the consolidated recap (XLSX workbook and PDF) of a year and period into <home>/outputs."""
    from warehouse.exporters import ReportError
    from flows.consolidate import write_one

    settings = _existing_warehouse(home)
    try:
        xlsx, pdf = write_one(settings, year, period, unit)
    except ReportError as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2)
    console.print(f"Written:\n  {xlsx}\n  {pdf}")


review = typer.Typer(no_args_is_help=True, help="Record a reviewer's decision on a report row (kept as an event; "
                                                 "nothing extracted is overwritten).")
app.add_typer(review, name="review")
DocArg = typer.Argument(..., help="document_id (see rpt_review / rpt_realisasi_triwulan).")
LineArg = typer.Argument(..., help="line_no of the row in that document.")
QuarterOpt = typer.Option(None, "--quarter", "-q", min=1, max=4, help="The quarter (1-4) the decision is about.")
ActorOpt = typer.Option(None, "--by", help="Who decided (name or NIP); default: the login name.")
NoteOpt = typer.Option(None, "--note", help="Why, in words (kept with the event).")


def _record(home: Optional[Path], **event) -> None:
    from warehouse.store import Warehouse

    settings = _existing_warehouse(home)
    wh = Warehouse(settings.database)
    with _writer_lock(settings.home, timeout=60):
        problem = wh.check_review_target(event["document_id"], event["line_no"], event.get("indicator_id"))
        if problem:
            console.print(f"[red]{problem}[/red]")
            raise typer.Exit(2)
        if event["action"] in ("verify", "correct") and event.get("quarter") is None:
            quarters = wh.realisation_quarters(event["document_id"], event["line_no"])
            if len(quarters) > 1:
                console.print(f"[red]Row {event['line_no']} holds quarters {quarters}: say which with --quarter.[/red]")
                raise typer.Exit(2)
            event["quarter"] = quarters[0] if quarters else None
        event["actor"] = event.get("actor") or os.environ.get("USER") or os.environ.get("LOGNAME")
        cid = wh.record_correction(**event)
    console.print(f"Recorded {event['action']} #{cid}. The views (rpt_realisasi_triwulan, rpt_review) show it now.")


@review.command("verify")
def review_verify(document_id: int = DocArg, line_no: int = LineArg, quarter: Optional[int] = QuarterOpt,
                  by: Optional[str] = ActorOpt, note: Optional[str] = NoteOpt, home: Optional[Path] = HomeOpt) -> None:
    """Confirm that a row was read right: its status becomes `verified`."""
    _record(home, document_id=document_id, line_no=line_no, quarter=quarter, action="verify", actor=by, note=note)


@review.command("correct")
def review_correct(document_id: int = DocArg, line_no: int = LineArg,
                   value: str = typer.Argument(..., help="The right realisation as printed (`12,5`, `1.250`, `-`)."),
                   quarter: Optional[int] = QuarterOpt, by: Optional[str] = ActorOpt, note: Optional[str] = NoteOpt,
                   home: Optional[Path] = HomeOpt) -> None:
    """Correct a realisation read wrong; the extracted value stays in the warehouse next to it.
    Numbers are read in the Indonesian convention (`.` thousands, `,` decimals)."""
    from pipeline.values import parse_value

    v = parse_value(value, "id")
    if v.kind not in ("number", "percent", "rupiah", "none"):
        console.print(f"[red]'{value}' is not a number. Write it as on the form, e.g. 12,5 or 1.250.[/red]")
        raise typer.Exit(2)
    _record(home, document_id=document_id, line_no=line_no, quarter=quarter, action="correct", new_value=v.value,
            actor=by, note=note or f"corrected to {value}")


@review.command("map")
def review_map(document_id: int = DocArg, line_no: int = LineArg,
               indicator_id: str = typer.Argument(..., help="indicator_id from rpt_indicators."),
               by: Optional[str] = ActorOpt, note: Optional[str] = NoteOpt, home: Optional[Path] = HomeOpt) -> None:
    """Map a report row to a catalogue indicator by hand (overrides the automatic match)."""
    _record(home, document_id=document_id, line_no=line_no, action="map", indicator_id=indicator_id, actor=by,
            note=note)


@app.command()
def sql(query: str, home: Optional[Path] = HomeOpt) -> None:
    """Run a read-only SQL query on the warehouse and print the result."""
    import duckdb
    con = duckdb.connect(str(_existing_warehouse(home).database), read_only=True)
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
