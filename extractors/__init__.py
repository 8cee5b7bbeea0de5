"""Extractors: one module per capability, each wrapping one library.

They take pages or images and return the typed records of :mod:`extractors.records`;
they never touch DuckDB and never read configuration files.
"""
