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
def _clerk_errors() -> Iterator[None]:
    """End the command on a :class:`pipeline.errors.KinerjaError` with its
    message for the clerk and its exit code."""
    from pipeline.errors import KinerjaError

    try:
        yield
    except KinerjaError as e:
        console.print(f"[red]{e.user_text()}[/red]")
        raise typer.Exit(e.exit_code) from None


@contextmanager
def _writer_lock(home_dir: Path, command: str, wait: float = 600) -> Iterator[None]:
    """Hold the data home's single-writer lock (:mod:`pipeline.writer_lock`),
    saying whom we wait for; ends the command (exit 75) when ``wait`` runs out,
    and on any other :class:`KinerjaError` of the ``with`` block (:func:`_clerk_errors`)."""
    from pipeline.writer_lock import writer_lock

    with _clerk_errors(), writer_lock(home_dir, command, wait, on_wait=_say_waiting(wait)):
        yield


def _say_waiting(wait: float):
    return lambda who: console.print(f"[yellow]Another run is writing the warehouse ({who}); "
                                     f"waiting up to {wait:.0f} s for it to finish...[/yellow]")


def _start(home: Optional[Path], dask: Optional[str], verbose: bool) -> Path:
    """The data home (created), the Dask address passed on to the flows, Prefect configured."""
    from flows.prefect_env import configure

    home_dir = _home(home)
    home_dir.mkdir(parents=True, exist_ok=True)
    if dask:
        os.environ["KINERJA_DASK_ADDRESS"] = dask
    configure(home_dir, verbose)
    return home_dir


@app.command()
def run(home: Optional[Path] = HomeOpt,
        inbox: Optional[Path] = typer.Option(None, "--inbox", help="Read this folder instead of <home>/inbox."),
        wait: float = typer.Option(600, "--wait", help="Seconds to wait when another run is writing (0: do not wait)."),
        dask: Optional[str] = typer.Option(None, "--dask", help="Extract on this Dask scheduler (tcp://host:8786) "
                                           "instead of local threads; also $KINERJA_DASK_ADDRESS."),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="Show Prefect's log lines.")) -> None:
    """Process every file in the inbox once, then print a summary."""
    home_dir = _start(home, dask, verbose)
    from flows.batch import quick_run
    from flows.progress import RunProgress
    from pipeline.config import Settings
    from pipeline.events import subscribe

    settings = Settings(home=home_dir, inbox_override=inbox.resolve() if inbox else None)
    with _clerk_errors():
        summary = quick_run(settings, wait, _say_waiting(wait))   # nothing new: no Prefect needed
        if summary is None:
            if settings.extraction_processes and not settings.dask_address:
                from pipeline.workers import warm_up
                warm_up()       # the workers' fork server imports the pipeline while Prefect starts
            from flows.process_inbox import configured
            with RunProgress(console) as progress:
                unsubscribe = subscribe(progress)
                try:
                    summary = configured(settings)(str(home_dir), str(settings.inbox) if inbox else None, wait)
                finally:
                    unsubscribe()
    _print_summary(summary, settings)


@app.command()
def serve(home: Optional[Path] = HomeOpt,
          every: Optional[float] = typer.Option(None, "--every", help="Minutes between inbox runs "
                                                "(default $KINERJA_INBOX_INTERVAL_MINUTES or 5)."),
          cron: Optional[str] = typer.Option(None, "--cron", help="Run the inbox on this cron schedule instead "
                                             "(e.g. '*/10 7-17 * * 1-5')."),
          nightly: Optional[str] = typer.Option(None, "--nightly", help="Cron of the recap files "
                                                "(default $KINERJA_NIGHTLY_CRON or '0 1 * * *')."),
          port: int = typer.Option(4200, "--port", help="Port of the local Prefect server and its UI (127.0.0.1)."),
          dask: Optional[str] = typer.Option(None, "--dask", help="Extract on this Dask scheduler.")) -> None:
    """Run unattended: start a local Prefect server and run the inbox every few minutes and the recap nightly.
    Stops cleanly on Ctrl-C or SIGTERM (see the README for a systemd service)."""
    home_dir = _start(home, dask, verbose=True)
    os.environ["KINERJA_HOME"] = str(home_dir)
    from flows.serve import serve as serve_flows
    from pipeline.config import Settings

    settings = Settings(home=home_dir)
    settings.ensure_dirs()
    when = f"cron '{cron}'" if cron else f"every {every or settings.inbox_interval_minutes:g} min"

    def ready(api_url: str) -> None:
        console.print(f"Serving: inbox {settings.inbox} {when}; recap files on cron '{nightly or settings.nightly_cron}'.\n"
                      f"Prefect UI (run history): {api_url.removesuffix('/api')}   Stop with Ctrl-C.")
    with _clerk_errors():
        serve_flows(settings, every, cron, nightly or settings.nightly_cron, port, on_ready=ready)
    console.print("Stopped.")


def _print_summary(summary, settings) -> None:
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
    from warehouse.publish import published_path

    copy = published_path(settings.database)
    console.print(f"Warehouse for analysts: {copy}  (try: duckdb -readonly {copy} \"select * from rpt_sop\")")
    if summary.outputs:
        console.print(f"Recap workbooks and PDFs ({len(summary.outputs)} files): {settings.outputs}")
    if summary.count("quarantined"):
        console.print(f"[red]Quarantined files and their reasons: {settings.quarantine}[/red]")


@app.command()
def indicators(file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                           help="The indicator file (CSV or XLSX; columns in the README)."),
               home: Optional[Path] = HomeOpt) -> None:
    """Import the secretariat's indicator file, rebuild the catalogue and map the report rows again."""
    from flows.batch import new_run_id, open_warehouse, publishing
    from flows.process_inbox import refresh_indicators
    from pipeline.catalogue import read_indicator_file
    from pipeline.config import Settings
    from pipeline.inbox import sha256_file

    settings = Settings(home=_home(home))
    with _writer_lock(settings.home, "kinerja indicators"):      # ends the command on a KinerjaError
        wh = open_warehouse(settings)
        rows = read_indicator_file(file, wh.next_import_id())
        with publishing(settings):
            import_id = wh.import_indicator_file(file.name, sha256_file(file), rows)
            entries, mapped = refresh_indicators(settings.database, new_run_id())
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
    from flows.batch import publishing
    from warehouse.store import Warehouse

    settings = _existing_warehouse(home)
    wh = Warehouse(settings.database)
    with _writer_lock(settings.home, "kinerja review"):
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
        with publishing(settings):
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
    """Run a read-only SQL query on the analysts' copy of the warehouse and print the result."""
    from warehouse.publish import reader_path
    from warehouse.store import Warehouse

    with Warehouse(reader_path(_existing_warehouse(home).database)).connect(read_only=True) as con:
        _print_rows(con.sql(query))


def _print_rows(rel, title: str | None = None) -> None:
    table = Table(title=title)
    for c in rel.columns:
        table.add_column(c, overflow="fold")
    for row in rel.fetchall():
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


@app.command()
def status(home: Optional[Path] = HomeOpt,
           runs: int = typer.Option(5, "--runs", help="How many recent runs to show.")) -> None:
    """What is going on: inbox backlog, the scheduler, the last runs, quarantined files and values to review."""
    from flows.serve import running_server
    from pipeline.config import Settings
    from pipeline.events import recent
    from pipeline.inbox import scan_inbox
    from pipeline.writer_lock import current_holder
    from warehouse.publish import published_path, reader_path, todo
    from warehouse.store import Warehouse

    settings = Settings(home=_home(home))
    scan = scan_inbox(settings.inbox, settings.settle_seconds)
    size = sum(f.size for f in scan.ready + scan.waiting)
    console.print(f"Data home: {settings.home}")
    console.print(f"Inbox {settings.inbox}: {len(scan.ready)} file(s) ready, {len(scan.waiting)} still being "
                  f"copied, {len(scan.unsafe)} link(s); {size / 1e6:.1f} MB")
    served = running_server(settings.home)
    console.print(f"Scheduler: {'running, UI at ' + served.removesuffix('/api') if served else 'not running (start it with `kinerja serve`)'}")
    holder = current_holder(settings.home)
    console.print(f"Writer: busy ({holder})" if holder else "Writer: idle")
    if not settings.database.exists():
        console.print("No warehouse yet: run `kinerja run` first.")
        return
    steps = todo(settings.database)
    console.print(f"Analysts' copy: {published_path(settings.database)}"
                  + (f"  [yellow](to finish on the next run: {', '.join(steps)})[/yellow]" if steps else ""))
    last = Table(title=f"Last runs ({settings.logs})")
    last.add_column("finished", no_wrap=True)
    for col in ("processed", "skipped", "quarantined", "waiting", "pages", "seconds"):
        last.add_column(col, justify="right")
    for ev in recent(settings.logs, "run_finished", runs):
        c = ev.get("counts", {})
        last.add_row(ev["ts"][:16].replace("T", " "), *(str(c.get(k, 0)) for k in ("processed", "skipped",
                     "quarantined", "waiting")), str(ev.get("pages", 0)), f"{ev.get('seconds', 0):.1f}")
    console.print(last)
    with Warehouse(reader_path(settings.database)).connect(read_only=True) as con:
        _print_rows(con.sql("SELECT strftime(occurred_at, '%Y-%m-%d %H:%M') AS quarantined_at, original_name, "
                            "message FROM rpt_quarantine LIMIT 10"), f"Quarantine ({settings.quarantine})")
        _print_rows(con.sql("SELECT problem, count(*) AS n, count(DISTINCT original_name) AS documents "
                            "FROM rpt_review GROUP BY problem ORDER BY n DESC"), "Values needing review (rpt_review)")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
