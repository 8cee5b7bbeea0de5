"""The warehouse loader: migrations, idempotent transactional loads, error records.

Connections are short-lived (opened per operation) because DuckDB lets no other
process open a file while a read-write connection holds it (../shared/STACK.md).
"""
from __future__ import annotations

import json
import os
import weakref
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

import duckdb
import pyarrow as pa

from pipeline import PIPELINE_VERSION
from pipeline.crash_points import crash_point
from pipeline.errors import TransientError
from pipeline.catalogue import CatalogueEntry, CatalogueSource
from pipeline.indicator_rules import aggregation, polarity
from pipeline.mapping import Match, unit_key
from pipeline.models import DocumentResult, FieldValue

SCHEMA_VERSION_TABLE = "schema_migrations"
#: DDL applied once each, in name order (``NNN_name.sql``), then views re-created in layer order.
SQL_DIR = Path(__file__).resolve().parent / "sql"


def _sql_files(sub: str) -> list[tuple[str, str]]:
    folder = SQL_DIR / sub
    return sorted((p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.name.endswith(".sql"))


def _append_arrow(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """Append an Arrow table to ``table``, columns matched by name (columns it lacks get their default)."""
    con.register("rows_in", rows)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM rows_in")
    finally:
        con.unregister("rows_in")


#: Arrow schemas of the raw tables, per open connection (asking DuckDB costs
#: about 2 ms, some ten times per document; a connection opens after the
#: migrations, so a table's columns do not change while it is open).
_SCHEMAS: "weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[str, pa.Schema]]" = weakref.WeakKeyDictionary()


def _schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    """``table``'s columns as an Arrow schema, asked of ``con`` once."""
    known = _SCHEMAS.setdefault(con, {})
    if table not in known:
        known[table] = con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema
    return known[table]


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[list]) -> None:
    """Insert ``rows`` (each in ``table``'s column order, its first columns at
    least) as one Arrow table (``executemany`` took 40 s for 100k rows where
    an Arrow insert took 0.05 s, ../shared/STACK.md); nothing when there are none. Each column takes the
    table's Arrow type; a column whose values do not convert to it goes as
    pyarrow reads it, or else as text (a date written as text), and DuckDB
    casts it on insert as it cast a parameter."""
    if not rows:
        return
    schema = _schema(con, table)
    columns = {}
    for i, col in enumerate(zip(*rows)):
        field = schema.field(i)
        for convert in (lambda c: pa.array(c, type=field.type), pa.array,
                        lambda c: pa.array([None if v is None else str(v) for v in c], type=pa.string())):
            try:
                columns[field.name] = convert(col)
                break
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
                continue
    _append_arrow(con, table, pa.table(columns))


def _bbox(bbox) -> tuple:
    """A bbox as four values, four NULLs when there is none."""
    return tuple(bbox) if bbox else (None, None, None, None)


def _box(prov) -> tuple:
    return _bbox(prov.bbox if prov else None)


class WarehouseInUseError(TransientError):
    """Another process has the working DuckDB file open (DuckDB allows one writer
    and no reader beside it, ../shared/STACK.md)."""

    code = "warehouse_in_use"
    advice = ("Another program has kinerja.duckdb open (the duckdb CLI, DBeaver, a notebook). Close it: "
              "analysts open kinerja-readonly.duckdb, which never blocks a run. The run tries again by itself.")


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open ``path``; raises :class:`WarehouseInUseError` (transient) when another
    process holds a conflicting lock on it."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise WarehouseInUseError(f"The warehouse {path} is open in another program.", detail=str(e)) from e
        raise


class Warehouse:
    """The DuckDB file at ``path``. Every operation opens a short connection
    (:func:`connect`: raises :class:`WarehouseInUseError` when another process
    holds the file); one process writes at a time under the data home's
    writer lock (:mod:`pipeline.writer_lock`)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._held: duckdb.DuckDBPyConnection | None = None

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation: a cursor of the held connection inside
        :meth:`session`, else a new connection closed afterwards."""
        if self._held is not None:
            cur = self._held.cursor()
            try:
                yield cur
            finally:
                cur.close()
            return
        con = connect(self.path, read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def session(self) -> Iterator["Warehouse"]:
        """Hold one read-write connection while a run loads its batch: every
        operation inside uses a cursor of it, each document still in its own
        transaction. Opening and closing per document cost about 40 ms (the
        close checkpoints the write-ahead log); the session checkpoints once,
        when it ends. A kill inside leaves the log, which DuckDB replays on the
        next open (committed documents stay, the one in flight is gone).
        Raises :class:`WarehouseInUseError` when another process holds the file.
        Not re-entrant."""
        if self._held is not None:
            raise RuntimeError("a warehouse session is already open")
        self._held = connect(self.path)
        try:
            yield self
        finally:
            held, self._held = self._held, None
            held.close()

    # -- schema --------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply pending migrations (each once, recorded in ``schema_migrations``)
        and re-create every view in layer order. Returns the schema version."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as con:
            con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_VERSION_TABLE} (version INTEGER PRIMARY KEY, "
                        "name VARCHAR, applied_at TIMESTAMP)")
            done = {r[0] for r in con.execute(f"SELECT version FROM {SCHEMA_VERSION_TABLE}").fetchall()}
            version = max(done, default=0)
            for name, sql in _sql_files("migrations"):
                v = int(name.split("_", 1)[0])
                if v in done:
                    continue
                con.begin()
                con.execute(sql)
                con.execute(f"INSERT INTO {SCHEMA_VERSION_TABLE} VALUES (?, ?, now())", [v, name])
                con.commit()
                version = max(version, v)
            for _name, sql in _sql_files("views"):
                con.execute(sql)
            return version

    # -- reads ---------------------------------------------------------------------
    def known_documents(self, sha256s: list[str]) -> dict[str, tuple[int, str]]:
        """The already loaded files among these hashes, looked up in one connection:
        ``{sha256: (document_id, original_name)}``."""
        if not sha256s:
            return {}
        with self.connect(read_only=True) as con:
            rows = con.execute("SELECT sha256, document_id, original_name FROM raw_documents "
                               "WHERE sha256 IN (SELECT unnest(?))", [sorted(set(sha256s))]).fetchall()
        return {sha: (int(i), str(n)) for sha, i, n in rows}

    def pending_quarantine(self, sha256: str | None, original_name: str) -> str | None:
        """The quarantine path recorded for this file (by hash, else by name) whose
        move never happened (a run killed between recording and moving), so a
        re-run finishes that move instead of recording the error twice."""
        with self.connect(read_only=True) as con:
            row = con.execute("""SELECT quarantine_path FROM raw_errors
                                 WHERE (sha256 = ?) OR (sha256 IS NULL AND ? IS NULL AND original_name = ?)
                                 ORDER BY error_id DESC LIMIT 1""", [sha256, sha256, original_name]).fetchone()
        if row and row[0] and not os.path.lexists(row[0]):
            return str(row[0])
        return None

    # -- writes --------------------------------------------------------------------
    def load_document(self, doc: DocumentResult, archived_path: str, received_at: datetime, run_id: str) -> int:
        """Insert one document with its pages, words, fields, items and NIP checks
        in one transaction (a crash leaves no half document). Idempotent: a hash
        already present returns its existing ``document_id`` and writes nothing."""
        with self.connect() as con:
            con.begin()
            try:
                row = con.execute("SELECT document_id FROM raw_documents WHERE sha256 = ?", [doc.sha256]).fetchone()
                if row:
                    con.rollback()
                    return int(row[0])
                needs_review = bool(doc.warnings) or doc.classification.doc_type == "unknown" or (
                    doc.sop_header is not None and any(f.flag for f in doc.sop_header.fields.values()))
                doc_id = con.execute(
                    """INSERT INTO raw_documents (sha256, original_name, archived_path, file_type, size_bytes,
                       received_at, processed_at, doc_type, doc_type_score, doc_type_scores, doc_type_evidence,
                       status, page_count, year, periods, warnings, processing_seconds, pipeline_version, run_id)
                       VALUES (?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING document_id""",
                    [doc.sha256, doc.original_name, archived_path, doc.file_type, doc.size_bytes, received_at,
                     doc.classification.doc_type, doc.classification.score, json.dumps(doc.classification.scores),
                     json.dumps(doc.classification.evidence), "needs_review" if needs_review else "extracted",
                     len(doc.pages), doc.year, json.dumps(doc.periods), json.dumps(doc.warnings), doc.seconds,
                     PIPELINE_VERSION, run_id]).fetchone()[0]
                self._insert_pages(con, doc_id, doc)
                self._insert_tables(con, doc_id, doc)
                if doc.sop_header is not None:
                    self._insert_sop(con, doc_id, doc)
                self._insert_sop_steps(con, doc_id, doc)
                if doc.performance is not None:
                    self._insert_performance(con, doc_id, doc)
                self._insert_signatures(con, doc_id, doc)
                crash_point("load-uncommitted")
                con.commit()
                return int(doc_id)
            except BaseException:
                con.rollback()
                raise

    @staticmethod
    def _insert_pages(con: duckdb.DuckDBPyConnection, doc_id: int, doc: DocumentResult) -> None:
        pages = pa.table({
            "document_id": [doc_id] * len(doc.pages),
            "page_no": [p.page_no for p in doc.pages],
            "width_pt": [p.width_pt for p in doc.pages],
            "height_pt": [p.height_pt for p in doc.pages],
            "text_source": [p.text_source for p in doc.pages],
            "extractor": [p.extractor for p in doc.pages],
            "text_layer_quality": [p.text_layer_quality for p in doc.pages],
            "rotation": [p.rotation for p in doc.pages],
            "skew_angle": [p.skew_angle for p in doc.pages],
            "dpi": pa.array([p.dpi for p in doc.pages], pa.int32()),
            "mean_confidence": pa.array([p.mean_confidence for p in doc.pages], pa.float64()),
            "ink_ratio": pa.array([p.ink_ratio for p in doc.pages], pa.float64()),
            "word_count": [len(p.words) for p in doc.pages],
            "notes": [json.dumps(p.notes) for p in doc.pages],
            "marks_checked": [p.marks_checked for p in doc.pages],
        })
        _append_arrow(con, "raw_pages", pages)
        cols: dict[str, list] = {k: [] for k in ("document_id", "page_no", "word_no", "text", "x0", "y0", "x1", "y1",
                                                  "confidence", "block_no", "par_no", "line_no", "source")}
        for p in doc.pages:
            for i, w in enumerate(p.words):
                for k, v in (("document_id", doc_id), ("page_no", p.page_no), ("word_no", i), ("text", w.text),
                             ("x0", w.bbox.x0), ("y0", w.bbox.y0), ("x1", w.bbox.x1), ("y1", w.bbox.y1),
                             ("confidence", w.confidence), ("block_no", w.block), ("par_no", w.par),
                             ("line_no", w.line), ("source", p.text_source)):
                    cols[k].append(v)
        if cols["text"]:
            words = pa.table({k: pa.array(v, pa.float64()) if k == "confidence" else v for k, v in cols.items()})
            _append_arrow(con, "raw_words", words)

    @staticmethod
    def _insert_tables(con: duckdb.DuckDBPyConnection, doc_id: int, doc: DocumentResult) -> None:
        if not doc.tables:
            return
        _insert_rows(con, "raw_tables", [
            [doc_id, t.table_no, t.pages[0], t.pages, *t.bbox, t.method, t.extractor, t.dpi, t.n_rows, t.n_cols,
             t.header_rows, t.flags] for t in doc.tables])
        cells = [(t.table_no, c) for t in doc.tables for c in t.cells]
        arrow = pa.table({
            "document_id": [doc_id] * len(cells),
            "table_no": [n for n, _ in cells],
            "row_no": [c.row for _, c in cells],
            "col_no": [c.col for _, c in cells],
            "row_span": [c.row_span for _, c in cells],
            "col_span": [c.col_span for _, c in cells],
            "page_no": [c.page_no for _, c in cells],
            "x0": [c.bbox[0] for _, c in cells], "y0": [c.bbox[1] for _, c in cells],
            "x1": [c.bbox[2] for _, c in cells], "y1": [c.bbox[3] for _, c in cells],
            "text": [c.text for _, c in cells],
            "confidence": pa.array([c.confidence for _, c in cells], pa.float64()),
            "is_header": [c.header for _, c in cells],
        })
        _append_arrow(con, "raw_cells", arrow)

    @staticmethod
    def _insert_sop_steps(con: duckdb.DuckDBPyConnection, doc_id: int, doc: DocumentResult) -> None:
        if not doc.sop_steps:
            return
        _insert_rows(con, "raw_sop_steps", [
            [doc_id, seq, s.step_no, s.kegiatan, s.kelengkapan, s.waktu_raw, s.waktu_value, s.waktu_unit,
             s.duration_minutes, s.output, s.keterangan, s.provenance.page_no, *_box(s.provenance),
             s.provenance.confidence, s.flags] for seq, s in enumerate(doc.sop_steps, 1)])
        _insert_rows(con, "raw_sop_performers", [[doc_id, seq, p.role_label, p.role, p.symbol, *_bbox(p.bbox)]
                                                  for seq, s in enumerate(doc.sop_steps, 1) for p in s.performers])

    @staticmethod
    def _insert_sop(con: duckdb.DuckDBPyConnection, doc_id: int, doc: DocumentResult) -> None:
        h = doc.sop_header
        assert h is not None
        fields: list[FieldValue] = list(h.fields.values())
        _insert_rows(con, "raw_fields", [
            [doc_id, f.name, f.value, f.raw, f.provenance.page_no, *_box(f.provenance), f.provenance.confidence,
             f.provenance.extractor, f.flag] for f in fields])
        _insert_rows(con, "raw_sop_items", [
            [doc_id, i.box, i.item_no, i.text, i.provenance.page_no, *_box(i.provenance), i.provenance.confidence,
             i.provenance.extractor] for i in h.items])
        if h.nip_check is not None:
            n = h.nip_check
            con.execute("INSERT INTO raw_nip_checks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [doc_id, "disahkan_nip", n.raw, n.digits, n.status, json.dumps(n.reasons), n.birth_date,
                         n.appointment, n.gender])

    @staticmethod
    def _insert_signatures(con: duckdb.DuckDBPyConnection, doc_id: int, doc: DocumentResult) -> None:
        """Signature blocks and every ink mark of every page."""
        rows = []
        for k, c in enumerate(doc.signatures, start=1):
            nc = c.nip_check
            rows.append([doc_id, k, c.page_no, c.role, c.jabatan, c.nama, c.pangkat, c.nip_raw,
                         nc.digits if nc else None, nc.status if nc else None, nc.reasons if nc else None,
                         *c.zone, *(_box(c.name_provenance)), c.name_provenance.confidence, c.name_provenance.extractor,
                         c.signed, c.signed_confidence, *_bbox(c.signature_bbox), c.signature_colour, c.pasted,
                         c.stamp, c.stamp_required, c.stamp_confidence, *_bbox(c.stamp_bbox), c.stamp_colour,
                         c.paraf, *_bbox(c.paraf_bbox), c.name_variants, c.flags])
        _insert_rows(con, "raw_signature_blocks", rows)
        _insert_rows(con, "raw_marks", [[doc_id, p.page_no, m.kind, m.bbox.x0, m.bbox.y0, m.bbox.x1, m.bbox.y1,
                                         m.confidence, m.colour, m.pasted, m.stroke_pt, m.context,
                                         m.signature_score]
                                        for p in doc.pages for m in p.marks])

    @staticmethod
    def _insert_performance(con: duckdb.DuckDBPyConnection, doc_id: int, doc: DocumentResult) -> None:
        p = doc.performance
        assert p is not None
        con.execute("INSERT INTO raw_performance_docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [doc_id, p.form, p.opd, p.unit, unit_key(p.opd, p.unit), p.year, p.quarter, p.reported_quarters,
                     json.dumps(p.sources), p.place, p.signed_date, p.flags])
        for party in p.parties:
            prov = party.nama.provenance if party.nama else None
            con.execute("INSERT INTO raw_parties VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                doc_id, party.pihak, *(f.value if f else None for f in (party.nama, party.jabatan, party.pangkat, party.nip)),
                party.nip_check.status if party.nip_check else None,
                json.dumps(party.nip_check.reasons) if party.nip_check else None,
                prov.page_no if prov else None, *_box(prov), prov.confidence if prov else None])
        rows = []
        for ln in p.lines:
            pol = agg = (None, None)
            if ln.indicator:
                target = next((m for m in ln.measures if m.measure == "target"), None)
                pol = polarity(ln.indicator, target.value.comparator if target else None)
                agg = aggregation(ln.indicator, ln.satuan, target.value.kind if target else None)
            rows.append([doc_id, ln.line_no, ln.table_no, ln.row, ln.level, ln.level_rule, ln.parent_line, ln.sasaran,
                         ln.program, ln.indicator, ln.satuan, ln.penanggung_jawab, ln.keterangan, *pol, *agg,
                         ln.provenance.page_no, *_box(ln.provenance), ln.provenance.confidence, ln.flags])
        _insert_rows(con, "raw_perf_lines", rows)
        _insert_rows(con, "raw_measures", [
            [doc_id, ln.line_no, m.measure, m.quarter, m.value.raw, m.value.kind, m.value.value, m.value.low,
             m.value.high, m.value.predicate, m.value.unit, m.value.flag, m.provenance.page_no, *_box(m.provenance),
             m.provenance.confidence, m.provenance.extractor, m.value.comparator] for ln in p.lines for m in ln.measures])

    # -- indicator catalogue and mapping ----------------------------------------------
    def catalogue_sources(self) -> list[CatalogueSource]:
        """PK and Rencana Aksi indicator lines, and the rows of the newest indicator file import."""
        with self.connect(read_only=True) as con:
            lines = con.execute("""
                SELECT l.document_id || ':' || l.line_no, d.form, d.year, d.opd, d.unit, l.sasaran, l.indicator, l.satuan,
                       list({'q': m.quarter, 'v': m.value, 'raw': m.raw_text, 'kind': m.kind, 'cmp': m.comparator})
                         FILTER (WHERE m.measure = 'target')
                FROM raw_perf_lines l JOIN raw_performance_docs d USING (document_id)
                LEFT JOIN raw_measures m ON m.document_id = l.document_id AND m.line_no = l.line_no
                WHERE d.form IN ('perjanjian_kinerja', 'rencana_aksi') AND l.level = 'sasaran' AND l.indicator IS NOT NULL
                GROUP BY ALL ORDER BY 1""").fetchall()
            imp = con.execute("SELECT rows FROM raw_indicator_imports ORDER BY import_id DESC LIMIT 1").fetchone()
        out = [CatalogueSource.model_validate(r) for r in json.loads(imp[0])] if imp else []
        for ref, form, year, opd, unit, sasaran, indicator, satuan, targets in lines:
            annual = next((t for t in targets or [] if t["q"] is None), None)
            quarters = {t["q"]: t for t in targets or [] if t["q"] is not None}
            out.append(CatalogueSource(
                source=form, ref=ref, year=year, opd=opd, unit=unit, sasaran=sasaran, indicator=indicator,
                satuan=satuan, target_year=annual["v"] if annual else None,
                target_year_raw=annual["raw"] if annual else None, target_kind=annual["kind"] if annual else None,
                target_comparator=annual["cmp"] if annual else None,
                targets_q={q: t["v"] for q, t in quarters.items()},
                targets_q_raw={q: t["raw"] for q, t in quarters.items()}))
        return out

    def save_catalogue(self, entries: list[CatalogueEntry], build_id: str) -> None:
        """Store one catalogue build (earlier builds are kept; views read the newest)."""
        rows = [[build_id, e.indicator_id, e.year, e.opd, e.unit, e.unit_key, e.sasaran, e.indicator, e.indicator_key,
                 e.satuan, e.target_year, e.target_year_raw, e.target_kind,
                 *(e.targets_q.get(q) for q in range(1, 5)), *(e.targets_q_raw.get(q) for q in range(1, 5)),
                 e.polarity, e.polarity_rule, e.formula, e.aggregation, e.aggregation_rule, e.sources, e.members]
                for e in entries]
        if not rows:    # sources only grow, so an empty build follows only an empty one
            return
        with self.connect() as con:
            con.begin()
            previous = con.execute("SELECT build_id FROM raw_catalogue ORDER BY built_at DESC, build_id DESC "
                                   "LIMIT 1").fetchone()
            con.executemany(f"INSERT INTO raw_catalogue VALUES (?, now(), {', '.join(['?'] * 27)})", rows)
            if previous and self._same_rows(con, "raw_catalogue", "build_id", previous[0], build_id, "built_at"):
                con.rollback()      # nothing changed: no new build (a re-run adds no rows)
                return
            con.commit()

    @staticmethod
    def _same_rows(con: duckdb.DuckDBPyConnection, table: str, key: str, old: str, new: str, *ignore: str) -> bool:
        """Whether the rows of ``table`` with ``key = old`` equal those with ``key = new``
        (as multisets, NULLs equal, columns ``key`` and ``ignore`` left out)."""
        cols = ", ".join(c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table]).fetchall() if c not in (key, *ignore))
        diff = con.execute(f"""SELECT count(*) FROM (
            (SELECT {cols} FROM {table} WHERE {key} = $old EXCEPT ALL SELECT {cols} FROM {table} WHERE {key} = $new)
            UNION ALL
            (SELECT {cols} FROM {table} WHERE {key} = $new EXCEPT ALL SELECT {cols} FROM {table} WHERE {key} = $old))""",
                           {"old": old, "new": new}).fetchone()[0]
        return diff == 0

    def report_lines(self) -> list[tuple[int, int, str, str | None, int | None, str]]:
        """``(document_id, line_no, indicator, satuan, year, unit_key)`` of every
        indicator line of a quarterly report, Renja evaluation or Monev."""
        with self.connect(read_only=True) as con:
            return con.execute("""
                SELECT l.document_id, l.line_no, l.indicator, l.satuan, d.year, d.unit_key
                FROM raw_perf_lines l JOIN raw_performance_docs d USING (document_id)
                WHERE d.form IN ('laporan_triwulan', 'renja_evaluasi', 'monev') AND l.indicator IS NOT NULL
                ORDER BY 1, 2""").fetchall()

    def save_matches(self, run_id: str, matches: list[tuple[int, int, Match]]) -> None:
        """Store one mapping run: only the lines whose match changed (or is new)
        get a row, so earlier decisions stay as history and a re-run adds nothing."""
        if not matches:
            return
        with self.connect() as con:
            con.begin()
            con.executemany("INSERT INTO raw_indicator_matches VALUES (?, now(), ?, ?, ?, ?, ?, ?, ?)", [
                [run_id, d, n, m.status, m.indicator_id, m.score, m.method, json.dumps(m.candidates)]
                for d, n, m in matches])
            con.execute("""DELETE FROM raw_indicator_matches n
                USING (SELECT document_id, line_no, status, indicator_id, score, method, candidates::VARCHAR AS c
                       FROM raw_indicator_matches WHERE run_id <> $run
                       QUALIFY row_number() OVER (PARTITION BY document_id, line_no
                                                  ORDER BY matched_at DESC, run_id DESC) = 1) o
                WHERE n.run_id = $run AND n.document_id = o.document_id AND n.line_no = o.line_no
                  AND n.status IS NOT DISTINCT FROM o.status AND n.indicator_id IS NOT DISTINCT FROM o.indicator_id
                  AND n.score IS NOT DISTINCT FROM o.score AND n.method IS NOT DISTINCT FROM o.method
                  AND n.candidates::VARCHAR IS NOT DISTINCT FROM o.c""", {"run": run_id})
            con.commit()

    def import_indicator_file(self, source_file: str, sha256: str, rows: list[CatalogueSource]) -> int:
        """Record an import of the secretariat's indicator file; returns its import id."""
        with self.connect() as con:
            return int(con.execute(
                "INSERT INTO raw_indicator_imports (imported_at, source_file, sha256, row_count, rows) "
                "VALUES (now(), ?, ?, ?, ?) RETURNING import_id",
                [source_file, sha256, len(rows), json.dumps([r.model_dump() for r in rows])]).fetchone()[0])

    def next_import_id(self) -> int:
        with self.connect(read_only=True) as con:
            return int(con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM raw_indicator_imports").fetchone()[0])

    def record_correction(self, *, document_id: int, line_no: int, action: str, quarter: int | None = None,
                          new_value: float | None = None, indicator_id: str | None = None, note: str | None = None,
                          actor: str | None = None) -> int:
        """Record a reviewer's decision (``verify``, ``correct`` a value, ``map`` a row to an indicator)."""
        with self.connect() as con:
            return int(con.execute(
                "INSERT INTO raw_corrections (recorded_at, actor, document_id, line_no, quarter, action, new_value, "
                "indicator_id, note) VALUES (now(), ?, ?, ?, ?, ?, ?, ?, ?) RETURNING correction_id",
                [actor, document_id, line_no, quarter, action, new_value, indicator_id, note]).fetchone()[0])

    def check_review_target(self, document_id: int, line_no: int, indicator_id: str | None = None) -> str | None:
        """What is wrong with a review decision's target, in words; ``None`` when the row (and indicator) exist."""
        with self.connect() as con:
            if not con.execute("SELECT 1 FROM raw_perf_lines WHERE document_id = ? AND line_no = ?",
                               [document_id, line_no]).fetchone():
                return f"Document {document_id} has no row {line_no}. Look the row up in rpt_realisasi_triwulan."
            if indicator_id and not con.execute("SELECT 1 FROM dim_indicators WHERE indicator_id = ?",
                                                [indicator_id]).fetchone():
                return f"There is no indicator {indicator_id}. Look it up in rpt_indicators."
        return None

    def realisation_quarters(self, document_id: int, line_no: int) -> list[int]:
        """The quarters a report row holds a realisation for (as in ``fct_realisations``)."""
        with self.connect() as con:
            return [q for (q,) in con.execute(
                "SELECT DISTINCT quarter FROM fct_realisations WHERE document_id = ? AND line_no = ? "
                "AND quarter IS NOT NULL ORDER BY 1", [document_id, line_no]).fetchall()]

    def set_bands(self, bands: list[tuple[float, str]]) -> bool:
        """Replace the capaian category bands (configuration, not data); returns whether they changed."""
        return self._replace_config("raw_capaian_bands", [list(b) for b in bands])

    def set_deadlines(self, deadlines: list[tuple[str, int]]) -> bool:
        """Replace the submission deadlines (configuration, not data; see ``Settings.deadlines``);
        returns whether they changed."""
        return self._replace_config("raw_deadlines", [list(d) for d in deadlines])

    def _replace_config(self, table: str, rows: list[list]) -> bool:
        with self.connect() as con:
            if sorted(map(list, con.execute(f"SELECT * FROM {table}").fetchall())) == sorted(rows):
                return False
            con.begin()
            con.execute(f"DELETE FROM {table}")
            _insert_rows(con, table, rows)
            con.commit()
            return True

    def record_error(self, *, sha256: str | None, original_name: str, code: str, message: str, detail: str | None,
                     quarantine_path: str | None, archived_path: str | None, run_id: str) -> None:
        """Record a quarantined file (one row per attempt)."""
        with self.connect() as con:
            con.execute("""INSERT INTO raw_errors (sha256, original_name, occurred_at, error_code, message, detail,
                           quarantine_path, archived_path, run_id) VALUES (?, ?, now(), ?, ?, ?, ?, ?, ?)""",
                        [sha256, original_name, code, message, detail, quarantine_path, archived_path, run_id])

    def record_run(self, run_id: str, started_at: datetime, inbox: str, counts: dict[str, int], pages: int,
                   seconds: float) -> None:
        with self.connect() as con:
            con.execute("INSERT OR REPLACE INTO raw_runs VALUES (?, ?, now(), ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, started_at, inbox, counts.get("processed", 0), counts.get("skipped", 0),
                         counts.get("quarantined", 0), counts.get("waiting", 0), pages, seconds])
