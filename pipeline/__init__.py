"""The domain core: typed records, inbox handling, page acquisition, classification,
parsers and the domain rules (NIP, dates). Imports extractors, never Prefect or DuckDB."""

PIPELINE_VERSION = "0.1.0"
