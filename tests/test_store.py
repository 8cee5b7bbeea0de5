"""The loader: its row insert (warehouse.store._insert_rows; rows go in as
one Arrow table typed by the target table, and values Arrow cannot convert to
that type are left for DuckDB to cast, as a parameterised INSERT did), and
the batch session (one held connection, Warehouse.session)."""
from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import duckdb
import pytest

from pipeline.models import Classification, DocumentResult, PageResult
from warehouse.store import Warehouse, _insert_rows


def test_rows_keep_their_values_and_types():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (id BIGINT, name VARCHAR, due DATE, score DOUBLE, flags VARCHAR[], ok BOOLEAN, "
                "extra VARCHAR DEFAULT 'x')")
    _insert_rows(con, "t", [
        [1, "Dinas Sosial", date(2024, 1, 31), 95, ["unsigned"], True],
        [2, None, "2024-04-10", 102.5, [], None],        # a date as text: cast by DuckDB
        [3, "Satpol PP", None, None, None, False],
    ])
    _insert_rows(con, "t", [])
    assert con.execute("SELECT * FROM t ORDER BY id").fetchall() == [
        (1, "Dinas Sosial", date(2024, 1, 31), 95.0, ["unsigned"], True, "x"),
        (2, None, date(2024, 4, 10), 102.5, [], None, "x"),
        (3, "Satpol PP", None, None, None, False, "x"),
    ]
    assert con.execute("SELECT typeof(score), typeof(due) FROM t LIMIT 1").fetchone() == ("DOUBLE", "DATE")


# -- the batch session ------------------------------------------------------------------------------------
def _doc(name: str, pages: int = 0) -> DocumentResult:
    return DocumentResult(sha256=name.ljust(64, "0")[:64], original_name=name, file_type="pdf", size_bytes=1,
                          pages=[PageResult(page_no=i + 1, width_pt=595, height_pt=842, text_source="text_layer")
                                 for i in range(pages)],
                          classification=Classification(doc_type="unknown", score=0.0))


def _other_process_opens(path, read_only: bool = True) -> bool:
    """Whether a second process can open ``path`` now (DuckDB locks the file per process)."""
    code = f"import duckdb; duckdb.connect({str(path)!r}, read_only={read_only}).close()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_session_holds_one_connection_and_releases_the_file(tmp_path):
    wh = Warehouse(tmp_path / "kinerja.duckdb")
    wh.migrate()
    with wh.session() as s:
        assert s is wh
        first = wh.load_document(_doc("a.pdf", 2), "archive/a.pdf", datetime(2024, 1, 5), "r1")
        assert not _other_process_opens(wh.path)        # held for the whole batch
        with pytest.raises(RuntimeError):
            with wh.session():
                pass
        # reads inside the session go through the held connection (a read-only
        # connection beside it would be refused in this process)
        assert wh.known_documents([_doc("a.pdf").sha256]) == {_doc("a.pdf").sha256: (first, "a.pdf")}
        second = wh.load_document(_doc("b.pdf", 1), "archive/b.pdf", datetime(2024, 1, 5), "r1")
        assert wh.load_document(_doc("a.pdf", 2), "archive/a.pdf", datetime(2024, 1, 5), "r1") == first
    assert second != first
    assert _other_process_opens(wh.path)               # closed (and checkpointed) at the end
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        assert con.execute("SELECT original_name, page_count FROM raw_documents ORDER BY 1").fetchall() == [
            ("a.pdf", 2), ("b.pdf", 1)]
        assert con.execute("SELECT count(*) FROM raw_pages").fetchone() == (3,)
    finally:
        con.close()


def test_a_failed_load_inside_the_session_leaves_nothing_and_the_next_one_loads(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path / "kinerja.duckdb")
    wh.migrate()

    def broken(con, doc_id, doc):
        raise ValueError("cut short after the document row")

    with wh.session():
        with monkeypatch.context() as m:
            m.setattr(Warehouse, "_insert_signatures", staticmethod(broken))
            with pytest.raises(ValueError):
                wh.load_document(_doc("bad.pdf", 3), "archive/bad.pdf", datetime(2024, 1, 5), "r1")
        wh.load_document(_doc("good.pdf", 1), "archive/good.pdf", datetime(2024, 1, 5), "r1")
    with wh.connect(read_only=True) as con:
        assert con.execute("SELECT original_name FROM raw_documents").fetchall() == [("good.pdf",)]
        assert con.execute("SELECT count(*) FROM raw_pages").fetchone() == (1,)
