-- Operations: how the unattended runs went (read by `kinerja status`).
CREATE OR REPLACE VIEW rpt_runs AS
SELECT run_id, started_at, finished_at, processed, skipped, quarantined, waiting, pages, seconds,
       CASE WHEN pages > 0 AND seconds > 0 THEN round(pages / seconds, 2) END AS pages_per_second, inbox
FROM stg_runs
ORDER BY started_at DESC;
COMMENT ON VIEW rpt_runs IS 'Every inbox run, newest first: files processed, skipped, quarantined and left waiting, pages read and seconds taken.';
