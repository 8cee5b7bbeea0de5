"""DuckDB warehouse: DDL and views as SQL files (raw -> stg_ -> dim_/fct_ -> rpt_),
the loader, and (later) the exporters. Analysts read marts and reports only."""
