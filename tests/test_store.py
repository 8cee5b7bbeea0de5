"""The loader's row insert (warehouse.store._insert_rows): rows go in as one
Arrow table typed by the target table, and values Arrow cannot convert to
that type are left for DuckDB to cast, as a parameterised INSERT did."""
from __future__ import annotations

from datetime import date

import duckdb

from warehouse.store import _insert_rows


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
