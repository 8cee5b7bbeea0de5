-- Consolidated reporting (issue 6): submission deadlines (configuration, rewritten at every run like the bands).
-- due date = 1 January of the year + days (perjanjian_kinerja, rencana_aksi), or the quarter's last day + days
-- (laporan_triwulan).
CREATE TABLE IF NOT EXISTS raw_deadlines (
    document  VARCHAR PRIMARY KEY,           -- perjanjian_kinerja | rencana_aksi | laporan_triwulan
    days      INTEGER NOT NULL
);
