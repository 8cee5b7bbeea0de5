-- Consolidated reports (issue 6): the quarterly, semester and annual recap, the LKjIP Bab III table, and the
-- completeness of what each unit handed in. Figures come from fct_period_capaian (one aggregation rule per
-- indicator); nothing here recomputes capaian differently.

CREATE OR REPLACE VIEW rpt_rekap_triwulan AS
SELECT c.year, c.period_order AS quarter, c.opd, c.unit, c.sasaran, c.indicator, c.satuan, c.target, c.realisasi,
       round(c.capaian, 2) AS capaian, round(c.capaian_clamped, 2) AS capaian_clamped, c.band, c.status, c.note,
       c.polarity, c.formula, c.aggregation, q.target_raw, q.target_source, q.realisasi_raw,
       q.source_document, q.page_no, q.x0, q.y0, q.x1, q.y1, q.confidence, q.document_id, q.line_no,
       c.unit_key, c.indicator_ref, c.indicator_id
FROM fct_period_capaian c
LEFT JOIN fct_indicator_quarters q
       ON q.indicator_ref = c.indicator_ref AND q.year = c.year AND q.quarter = c.period_order
WHERE c.period IN ('TW1', 'TW2', 'TW3', 'TW4')
ORDER BY c.year, c.opd, c.unit, c.sasaran, c.indicator, quarter;
COMMENT ON VIEW rpt_rekap_triwulan IS 'Quarterly recap: per unit, indicator and quarter, the target and realisation, capaian (raw and clamped to 0..200) by the indicator''s polarity and formula, its band, the status (extracted / needs_review / verified; no_data when the quarter was not reported, not_measured when its target is ''-''), a note in words, and the source document with page and bbox.';

CREATE OR REPLACE VIEW rpt_rekap_semester AS
SELECT year, period_order - 4 AS semester, opd, unit, sasaran, indicator, satuan, aggregation, polarity, formula,
       target, realisasi, round(capaian, 2) AS capaian, round(capaian_clamped, 2) AS capaian_clamped, band,
       quarters_reported, quarters_missing, quarters_not_measured, missing_quarter, status, note, source_documents,
       unit_key, indicator_ref, indicator_id
FROM fct_period_capaian
WHERE period IN ('S1', 'S2')
ORDER BY year, opd, unit, sasaran, indicator, semester;
COMMENT ON VIEW rpt_rekap_semester IS 'Semester recap (I = TW I + II, II = TW III + IV): per unit and indicator, target and realisation aggregated by the indicator''s aggregation (cumulative: the same quarters of target and realisation summed; last value: the last reported quarter; ratio: last value, noted), capaian by polarity and formula, band, the quarters actually reported, and a flag and note when a quarter with a target has no realisation.';

CREATE OR REPLACE VIEW rpt_rekap_tahunan AS
SELECT year, opd, unit, sasaran, indicator, satuan, aggregation, polarity, formula,
       target, realisasi, planned_target, round(capaian, 2) AS capaian, round(capaian_clamped, 2) AS capaian_clamped,
       band, quarters_reported, quarters_missing, quarters_not_measured, missing_quarter, status, note,
       source_documents, unit_key, indicator_ref, indicator_id
FROM fct_period_capaian
WHERE period = 'Y'
ORDER BY year, opd, unit, sasaran, indicator;
COMMENT ON VIEW rpt_rekap_tahunan IS 'Annual recap (the LKjIP figures): per unit and indicator, target and realisation over TW I..IV by the indicator''s aggregation, capaian, band, the quarters reported and missing, status and a note in words; planned_target is the sum of all measured quarter targets (for cumulative indicators).';

CREATE OR REPLACE VIEW rpt_capaian_sasaran AS
WITH cur AS (
    SELECT c.*, dense_rank() OVER (PARTITION BY c.year, c.period, c.unit_key ORDER BY c.sasaran NULLS LAST) AS no
    FROM fct_period_capaian c
)
SELECT c.year, c.period, c.opd, c.unit, c.no, c.sasaran, c.indicator, c.satuan, c.target, c.realisasi,
       round(c.capaian, 2) AS capaian, c.band, c.status, c.note,
       p.target AS target_tahun_lalu, p.realisasi AS realisasi_tahun_lalu, round(p.capaian, 2) AS capaian_tahun_lalu,
       round(c.capaian - p.capaian, 2) AS perubahan_capaian,
       c.period_order, c.unit_key, c.indicator_ref
FROM cur c
LEFT JOIN fct_period_capaian p
       ON p.year = c.year - 1 AND p.period = c.period AND p.unit_key = c.unit_key AND p.indicator_key = c.indicator_key
ORDER BY c.year, c.period_order, c.opd, c.unit, c.no, c.indicator;
COMMENT ON VIEW rpt_capaian_sasaran IS 'The LKjIP Bab III table per period (TW1..TW4, S1, S2, Y) and unit: No, sasaran strategis, indicator, target, realisation, capaian and band, with the same period of the previous year (target, realisation, capaian and the change in capaian points) when the warehouse holds it.';

CREATE OR REPLACE VIEW rpt_kelengkapan AS
WITH due AS (
    SELECT u.year, u.opd, u.unit, u.unit_key, d.document, d.quarter,
           CASE WHEN d.quarter IS NULL THEN make_date(u.year, 1, 1) + to_days(dl.days)
                ELSE make_date(u.year, 3 * d.quarter, 1) + INTERVAL 1 MONTH - INTERVAL 1 DAY + to_days(dl.days)
           END::DATE AS due_date
    FROM dim_units u
    CROSS JOIN (VALUES ('perjanjian_kinerja', NULL::INTEGER), ('rencana_aksi', NULL), ('laporan_triwulan', 1),
                       ('laporan_triwulan', 2), ('laporan_triwulan', 3), ('laporan_triwulan', 4)) d(document, quarter)
    LEFT JOIN stg_deadlines dl ON dl.document = d.document
), arrived AS (
    -- the current version of each yearly document, and the current report of each quarter
    SELECT * FROM (
        SELECT p.year, p.unit_key, p.form AS document, NULL::INTEGER AS quarter, p.document_id, p.signed_date,
               d.received_at, d.original_name
        FROM stg_performance_docs p JOIN stg_documents d USING (document_id)
        WHERE p.form IN ('perjanjian_kinerja', 'rencana_aksi'))
    QUALIFY row_number() OVER (PARTITION BY year, unit_key, document ORDER BY received_at DESC, document_id DESC) = 1
    UNION ALL
    SELECT q.year, q.unit_key, 'laporan_triwulan', q.quarter, q.document_id, p.signed_date, d.received_at,
           d.original_name
    FROM fct_report_quarters q JOIN stg_performance_docs p USING (document_id) JOIN stg_documents d USING (document_id)
    WHERE NOT q.superseded AND q.form IN ('laporan_triwulan', 'renja_evaluasi') AND q.quarter BETWEEN 1 AND 4
), signatures AS (
    SELECT document_id, count(*) AS signatories, count(*) FILTER (WHERE signed) AS signed,
           count(*) FILTER (WHERE signed IS NULL) AS not_checked
    FROM fct_signatures WHERE role <> 'paraf' GROUP BY document_id   -- initials are listed in rpt_missing_signatures
)
SELECT d.year, d.opd, d.unit,
       CASE d.document WHEN 'perjanjian_kinerja' THEN 'Perjanjian Kinerja' WHEN 'rencana_aksi' THEN 'Rencana Aksi'
            ELSE 'Laporan Kinerja Triwulan ' || ['I', 'II', 'III', 'IV'][d.quarter] END AS dokumen,
       d.document, d.quarter, d.due_date, a.original_name, a.received_at, a.signed_date AS tanggal_dokumen,
       -- late is judged on the date printed on the document when there is one, else on the day it was received
       coalesce(a.signed_date, a.received_at::DATE) AS submitted_on,
       CASE WHEN a.document_id IS NULL AND d.due_date >= current_date THEN 'belum jatuh tempo'
            WHEN a.document_id IS NULL THEN 'belum diterima'
            WHEN coalesce(a.signed_date, a.received_at::DATE) > d.due_date THEN 'terlambat'
            ELSE 'tepat waktu' END AS status,
       CASE WHEN a.document_id IS NULL THEN NULL
            WHEN s.signatories IS NULL OR s.not_checked > 0 THEN 'belum diperiksa'
            WHEN s.signed = s.signatories THEN 'lengkap'
            ELSE 'kurang ' || (s.signatories - s.signed) || ' tanda tangan' END AS tanda_tangan,
       a.document_id, d.unit_key
FROM due d
LEFT JOIN arrived a ON a.year = d.year AND a.unit_key = d.unit_key AND a.document = d.document
                   AND a.quarter IS NOT DISTINCT FROM d.quarter
LEFT JOIN signatures s ON s.document_id = a.document_id
ORDER BY d.year, d.opd, d.unit, d.due_date, d.document;
COMMENT ON VIEW rpt_kelengkapan IS 'Completeness per unit and year: each document due (Perjanjian Kinerja, Rencana Aksi, the four quarterly reports), its due date (KINERJA_DEADLINES), whether it arrived (file, when received, the date printed on it), on time / late / not received / not yet due, and whether its signatures are complete (not checked until signature detection has run).';
