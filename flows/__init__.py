"""Prefect flows, tasks and the ``kinerja`` command line. Tasks are thin wrappers
over pipeline stages; only this package imports Prefect."""
