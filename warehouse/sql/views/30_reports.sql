-- Reports: what analysts and the secretariat read.
CREATE OR REPLACE VIEW rpt_documents AS
SELECT document_id, original_name, doc_type, doc_type_score, status, page_count, ocr_pages, text_layer_pages,
       mean_ocr_confidence, year, received_at, processed_at, warnings, sha256, archived_path
FROM dim_documents
ORDER BY received_at, document_id;
COMMENT ON VIEW rpt_documents IS 'Which documents have been received, what type each is, how it was read (text layer or OCR, confidence), and whether it needs review.';

CREATE OR REPLACE VIEW rpt_quarantine AS
SELECT occurred_at, original_name, error_code, message, quarantine_path, sha256
FROM stg_errors
ORDER BY occurred_at DESC;
COMMENT ON VIEW rpt_quarantine IS 'Which submitted files could not be processed, why, and where the file was put.';

CREATE OR REPLACE VIEW rpt_sop AS
WITH f AS (
    SELECT document_id,
           max(value) FILTER (WHERE field = 'agency')            AS agency,
           max(value) FILTER (WHERE field = 'nomor_sop')         AS nomor_sop,
           max(value) FILTER (WHERE field = 'nama_sop')          AS nama_sop,
           TRY_CAST(max(value) FILTER (WHERE field = 'tanggal_pembuatan') AS DATE) AS tanggal_pembuatan,
           TRY_CAST(max(value) FILTER (WHERE field = 'tanggal_revisi') AS DATE)    AS tanggal_revisi,
           TRY_CAST(max(value) FILTER (WHERE field = 'tanggal_efektif') AS DATE)   AS tanggal_efektif,
           max(value) FILTER (WHERE field = 'disahkan_jabatan')  AS disahkan_jabatan,
           max(value) FILTER (WHERE field = 'disahkan_nama')     AS disahkan_nama,
           max(value) FILTER (WHERE field = 'disahkan_pangkat')  AS disahkan_pangkat,
           max(value) FILTER (WHERE field = 'disahkan_nip')      AS disahkan_nip,
           list(field || ': ' || flag ORDER BY field) FILTER (WHERE flag IS NOT NULL) AS flags,
           max(page_no)                                          AS identity_page
    FROM stg_fields GROUP BY document_id
), i AS (
    SELECT document_id,
           list(text ORDER BY item_no) FILTER (WHERE box = 'dasar_hukum')            AS dasar_hukum,
           list(text ORDER BY item_no) FILTER (WHERE box = 'kualifikasi_pelaksana')  AS kualifikasi_pelaksana,
           list(text ORDER BY item_no) FILTER (WHERE box = 'keterkaitan')            AS keterkaitan,
           list(text ORDER BY item_no) FILTER (WHERE box = 'peralatan_perlengkapan') AS peralatan_perlengkapan,
           list(text ORDER BY item_no) FILTER (WHERE box = 'peringatan')             AS peringatan,
           list(text ORDER BY item_no) FILTER (WHERE box = 'pencatatan_pendataan')   AS pencatatan_pendataan
    FROM stg_sop_items GROUP BY document_id
)
SELECT d.document_id, d.original_name, f.agency, f.nomor_sop, f.nama_sop,
       st.step_count, st.total_duration_minutes, st.steps_without_duration,
       f.tanggal_pembuatan, f.tanggal_revisi, f.tanggal_efektif,
       f.disahkan_jabatan, f.disahkan_nama, f.disahkan_pangkat, f.disahkan_nip,
       n.status AS nip_status, n.reasons AS nip_reasons,
       i.dasar_hukum, i.kualifikasi_pelaksana, i.keterkaitan, i.peralatan_perlengkapan, i.peringatan,
       i.pencatatan_pendataan, f.flags, f.identity_page, d.status, d.received_at
FROM stg_documents d
JOIN f USING (document_id)
LEFT JOIN i USING (document_id)
LEFT JOIN (SELECT document_id, count(*) AS step_count, sum(duration_minutes) AS total_duration_minutes,
                  count(*) FILTER (WHERE duration_minutes IS NULL) AS steps_without_duration
           FROM stg_sop_steps GROUP BY document_id) st USING (document_id)
LEFT JOIN stg_nip_checks n ON n.document_id = d.document_id AND n.field = 'disahkan_nip'
WHERE d.doc_type = 'sop'
ORDER BY d.document_id;
COMMENT ON VIEW rpt_sop IS 'One row per SOP with every identity-sheet field (SOP AP, PermenPAN-RB 35/2012): number, dates, who approved it and whether the NIP is valid, and the six boxes as lists; number of flowchart steps and their total working time in minutes (steps_without_duration counts steps whose time was missing or unreadable and is left out of the total).';

CREATE OR REPLACE VIEW rpt_sop_steps AS
SELECT d.original_name, s.step_no, s.kegiatan,
       array_to_string(s.performer_labels, ' / ') AS pelaksana,
       array_to_string(s.performer_roles, ' / ')  AS performer_roles,
       array_to_string(s.symbols, ' / ')          AS symbols,
       s.kelengkapan, s.waktu_raw, s.duration_minutes, s.output, s.keterangan,
       s.page_no, s.confidence, s.flags, s.document_id, s.seq
FROM fct_sop_steps s
JOIN stg_documents d USING (document_id)
ORDER BY s.document_id, s.seq;
COMMENT ON VIEW rpt_sop_steps IS 'One row per SOP flowchart step: what is done (kegiatan), by whom (swimlane label as printed and canonical role, with the flowchart symbol), what it needs, how long it takes (raw and working minutes) and what it produces.';

CREATE OR REPLACE VIEW rpt_tables AS
SELECT d.original_name, t.table_no, t.pages, t.method, t.extractor, t.n_rows, t.n_cols, t.header_rows, t.flags,
       t.document_id
FROM stg_tables t
JOIN stg_documents d USING (document_id)
ORDER BY t.document_id, t.table_no;
COMMENT ON VIEW rpt_tables IS 'Which tables were found in each document, on which pages, how (ruled grid or text alignment), their size, and problems (cut at the page edge, empty grid, stitched across pages).';

CREATE OR REPLACE VIEW rpt_indicators AS
SELECT year, opd, unit, sasaran, indicator, satuan, target_year_raw AS target_tahunan, target_year,
       target_q1_raw AS target_tw1, target_q2_raw AS target_tw2, target_q3_raw AS target_tw3, target_q4_raw AS target_tw4,
       polarity, polarity_rule, formula, aggregation, aggregation_rule, sources, len(members) AS source_rows, indicator_id
FROM dim_indicators
ORDER BY year, opd, unit, sasaran, indicator;
COMMENT ON VIEW rpt_indicators IS 'The indicator catalogue: per year and unit, each performance indicator with its sasaran, satuan, annual and quarterly targets (as printed), polarity, capaian formula and aggregation, and the rule or file that set them; built from PKs, Rencana Aksi and the indicator file.';

CREATE OR REPLACE VIEW rpt_realisasi_triwulan AS
SELECT f.year, f.quarter, f.opd, f.unit, f.level, f.program, coalesce(f.indicator, f.indicator_printed) AS indicator,
       f.indicator_printed, f.satuan, f.target_raw AS target_printed, f.target, f.target_source,
       f.realisasi_raw, f.realisasi, f.realisasi_anggaran, f.capaian_printed,
       round(f.capaian, 2) AS capaian, round(f.capaian_clamped, 2) AS capaian_clamped, f.band, f.capaian_mismatch,
       f.polarity, f.formula, f.aggregation, f.match_status, f.match_score, f.match_method, f.status,
       f.penanggung_jawab, d.original_name AS source_document, f.page_no, f.x0, f.y0, f.x1, f.y1, f.confidence,
       f.document_id, f.line_no, f.indicator_id
FROM fct_realisations f
JOIN stg_documents d USING (document_id)
ORDER BY f.year, f.opd, f.unit, f.document_id, f.line_no, f.quarter;
COMMENT ON VIEW rpt_realisasi_triwulan IS 'Per unit, indicator and quarter: the realisation read from the report (raw and parsed, Rp spent), the target used and where it came from, capaian (raw and clamped to 0..200) by the indicator''s polarity and formula, its band, whether it differs from the capaian printed on the report, the indicator mapping, and the status (extracted / needs_review / verified / superseded) with the source document, page and bbox.';

CREATE OR REPLACE VIEW rpt_review AS
SELECT d.original_name, 'document' AS item, NULL::INTEGER AS line_no, NULL::INTEGER AS quarter,
       unnest(p.flags) AS problem, NULL AS detail, p.document_id
FROM stg_performance_docs p JOIN stg_documents d USING (document_id)
WHERE len(coalesce(p.flags, [])) > 0
UNION ALL
SELECT d.original_name, 'report', NULL, q.quarter, 'superseded',
       'a newer report of the same unit and quarter: ' || n.original_name, q.document_id
FROM fct_report_quarters q JOIN stg_documents d USING (document_id)
JOIN stg_documents n ON n.document_id = q.current_document_id
WHERE q.superseded
UNION ALL
SELECT d.original_name, 'row', f.line_no, f.quarter,
       CASE WHEN f.match_status = 'no_catalogue' THEN 'no PK, Rencana Aksi or indicator file for this unit and year'
            WHEN f.match_status <> 'matched' THEN 'indicator ' || f.match_status
            WHEN f.value_flag IS NOT NULL THEN 'value ' || f.value_flag
            WHEN f.quarter_problem THEN 'quarter out of range'
            WHEN f.capaian_mismatch THEN 'printed capaian differs from computed'
            ELSE 'low OCR confidence' END,
       coalesce(f.indicator_printed, f.program) || ' = ' || coalesce(f.realisasi_raw, ''), f.document_id
FROM fct_realisations f JOIN stg_documents d USING (document_id)
WHERE f.status = 'needs_review' AND len(coalesce(f.document_flags, [])) = 0
UNION ALL
SELECT d.original_name, 'target', m.line_no, m.quarter, 'target ' || m.flag,
       coalesce(l.indicator, l.program, '') || ' = ' || coalesce(m.raw_text, ''), m.document_id
FROM stg_measures m JOIN stg_perf_lines l USING (document_id, line_no)
JOIN stg_performance_docs p USING (document_id) JOIN stg_documents d USING (document_id)
WHERE m.flag IS NOT NULL AND p.form IN ('perjanjian_kinerja', 'rencana_aksi')
ORDER BY 1, 3, 4;
COMMENT ON VIEW rpt_review IS 'Everything a person must look at: documents without unit, year or quarter (or a quarter out of range), reports superseded by a newer version, rows not mapped to an indicator (with why), values that could not be parsed (realisations, and the targets of PKs and Rencana Aksi: ambiguous_number, unparsed, comparator_from_ocr), and capaian that differs from the printed one. Nothing here has been dropped from the warehouse.';
