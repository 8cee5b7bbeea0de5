-- Marts: one row per business entity.
CREATE OR REPLACE VIEW dim_documents AS
SELECT d.document_id, d.sha256, d.original_name, d.file_type, d.size_bytes, d.received_at, d.processed_at,
       d.doc_type, d.doc_type_score, d.status, d.page_count, d.year, d.periods, d.warnings, d.archived_path,
       count(p.page_no) FILTER (WHERE p.text_source = 'ocr')        AS ocr_pages,
       count(p.page_no) FILTER (WHERE p.text_source = 'text_layer') AS text_layer_pages,
       round(avg(p.mean_confidence), 1)                              AS mean_ocr_confidence,
       sum(p.word_count)                                             AS word_count
FROM stg_documents d
LEFT JOIN stg_pages p USING (document_id)
GROUP BY ALL;

CREATE OR REPLACE VIEW fct_sop_steps AS
SELECT s.document_id, s.seq, s.step_no, s.kegiatan,
       list(p.role_label ORDER BY p.x0) FILTER (WHERE p.role_label IS NOT NULL) AS performer_labels,
       list(p.role ORDER BY p.x0) FILTER (WHERE p.role IS NOT NULL)             AS performer_roles,
       list(p.symbol ORDER BY p.x0) FILTER (WHERE p.symbol IS NOT NULL)         AS symbols,
       s.kelengkapan, s.waktu_raw, s.waktu_value, s.waktu_unit, s.duration_minutes, s.output, s.keterangan,
       s.page_no, s.x0, s.y0, s.x1, s.y1, s.confidence, s.flags
FROM stg_sop_steps s
LEFT JOIN stg_sop_performers p USING (document_id, seq)
GROUP BY ALL;

-- Indicator catalogue: one row per year, unit and indicator.
CREATE OR REPLACE VIEW dim_indicators AS
SELECT indicator_id, year, opd, unit, unit_key, sasaran, indicator, indicator_key, satuan,
       target_year, target_year_raw, target_kind,
       target_q1, target_q2, target_q3, target_q4, target_q1_raw, target_q2_raw, target_q3_raw, target_q4_raw,
       polarity, polarity_rule, formula, aggregation, aggregation_rule, sources, members, built_at
FROM stg_catalogue
WHERE indicator <> '';

-- Report documents and the quarters they report; a newer report of the same unit, year and
-- quarter supersedes an older one (the older stays, marked).
CREATE OR REPLACE VIEW fct_report_quarters AS
WITH q AS (
    SELECT p.document_id, p.form, p.unit_key, p.year, d.received_at,
           unnest(CASE WHEN len(coalesce(p.reported_quarters, [])) > 0 THEN p.reported_quarters
                       ELSE [p.quarter] END) AS quarter
    FROM stg_performance_docs p JOIN stg_documents d USING (document_id)
    WHERE p.form IN ('laporan_triwulan', 'renja_evaluasi', 'monev')
)
SELECT *, row_number() OVER (PARTITION BY unit_key, year, quarter ORDER BY received_at DESC, document_id DESC) > 1
          AS superseded,
       first_value(document_id) OVER (PARTITION BY unit_key, year, quarter ORDER BY received_at DESC,
                                      document_id DESC) AS current_document_id
FROM q;

-- Realisations: one row per report line and quarter, with the mapped indicator, the target used,
-- capaian by the indicator's polarity and formula, and provenance of the realisation value.
CREATE OR REPLACE VIEW fct_realisations AS
WITH r AS (
    SELECT m.document_id, m.line_no, coalesce(m.quarter, p.quarter) AS quarter,
           m.raw_text AS realisasi_raw, m.kind AS realisasi_kind, m.value AS realisasi_printed, m.predicate,
           m.flag AS value_flag, m.page_no, m.x0, m.y0, m.x1, m.y1, m.confidence, m.extractor
    FROM stg_measures m JOIN stg_performance_docs p USING (document_id)
    WHERE m.measure = 'realisasi' AND p.form IN ('laporan_triwulan', 'renja_evaluasi', 'monev')
), own AS (
    SELECT document_id, line_no, quarter, measure, raw_text, kind, value, low, high
    FROM stg_measures WHERE measure IN ('target', 'capaian', 'realisasi_anggaran')
), mapped AS (
    SELECT l.document_id, l.line_no,
           coalesce(c.indicator_id, CASE WHEN mt.status = 'matched' THEN mt.indicator_id END) AS indicator_id,
           CASE WHEN c.indicator_id IS NOT NULL THEN 'matched' ELSE coalesce(mt.status, 'not_mapped') END AS match_status,
           mt.score AS match_score, CASE WHEN c.indicator_id IS NOT NULL THEN 'manual' ELSE mt.method END AS match_method,
           mt.indicator_id AS best_candidate
    FROM stg_perf_lines l
    LEFT JOIN stg_indicator_matches mt USING (document_id, line_no)
    LEFT JOIN (SELECT document_id, line_no, indicator_id FROM stg_corrections WHERE action = 'map'
               QUALIFY row_number() OVER (PARTITION BY document_id, line_no ORDER BY recorded_at DESC) = 1) c
           USING (document_id, line_no)
), corr AS (
    SELECT document_id, line_no, quarter,
           max(new_value) FILTER (WHERE action = 'correct') AS corrected_value,
           bool_or(action = 'verify') AS verified
    FROM (SELECT * FROM stg_corrections WHERE action IN ('correct', 'verify')
          QUALIFY row_number() OVER (PARTITION BY document_id, line_no, quarter, action ORDER BY recorded_at DESC) = 1)
    GROUP BY ALL
), base AS (
    SELECT r.*, p.form, p.opd, p.unit, p.unit_key, p.year, l.level, l.level_rule, l.sasaran, l.program,
           l.indicator AS indicator_printed, l.satuan, l.penanggung_jawab,
           mp.indicator_id, mp.match_status, mp.match_score, mp.match_method, mp.best_candidate,
           i.indicator AS indicator, i.sasaran AS catalogue_sasaran,
           coalesce(i.polarity, l.polarity, 'positive') AS polarity,
           coalesce(i.formula, CASE WHEN l.polarity = 'negative' THEN 'negative_2t' ELSE 'standard' END) AS formula,
           coalesce(i.aggregation, l.aggregation, 'last_value') AS aggregation,
           tq.value AS doc_target_q, tq.low AS doc_target_q_low, tq.raw_text AS doc_target_q_raw,
           ty.value AS doc_target_y, ty.low AS doc_target_y_low, ty.raw_text AS doc_target_y_raw,
           cp.value AS capaian_printed, rp.value AS realisasi_anggaran,
           CASE r.quarter WHEN 1 THEN i.target_q1 WHEN 2 THEN i.target_q2 WHEN 3 THEN i.target_q3
                          WHEN 4 THEN i.target_q4 END AS cat_target_q,
           CASE r.quarter WHEN 1 THEN i.target_q1_raw WHEN 2 THEN i.target_q2_raw WHEN 3 THEN i.target_q3_raw
                          WHEN 4 THEN i.target_q4_raw END AS cat_target_q_raw,
           i.target_year AS cat_target_y, i.target_year_raw AS cat_target_y_raw,
           co.corrected_value, coalesce(co.verified, false) AS verified,
           rq.superseded, rq.current_document_id,
           list_contains(coalesce(p.flags, []), 'quarter_out_of_range') OR r.quarter NOT BETWEEN 1 AND 4 AS quarter_problem,
           p.flags AS document_flags
    FROM r
    JOIN stg_performance_docs p USING (document_id)
    JOIN stg_perf_lines l USING (document_id, line_no)
    LEFT JOIN mapped mp USING (document_id, line_no)
    LEFT JOIN dim_indicators i ON i.indicator_id = mp.indicator_id
    LEFT JOIN own tq ON tq.document_id = r.document_id AND tq.line_no = r.line_no AND tq.measure = 'target' AND tq.quarter = r.quarter
    LEFT JOIN own ty ON ty.document_id = r.document_id AND ty.line_no = r.line_no AND ty.measure = 'target' AND ty.quarter IS NULL
    LEFT JOIN own cp ON cp.document_id = r.document_id AND cp.line_no = r.line_no AND cp.measure = 'capaian' AND cp.quarter = r.quarter
    LEFT JOIN own rp ON rp.document_id = r.document_id AND rp.line_no = r.line_no AND rp.measure = 'realisasi_anggaran' AND rp.quarter = r.quarter
    LEFT JOIN corr co ON co.document_id = r.document_id AND co.line_no = r.line_no AND co.quarter IS NOT DISTINCT FROM r.quarter
    LEFT JOIN fct_report_quarters rq ON rq.document_id = r.document_id AND rq.quarter IS NOT DISTINCT FROM r.quarter
), targeted AS (
    SELECT *,
           coalesce(corrected_value, realisasi_printed) AS realisasi,
           -- target for the quarter: the report's own, else the catalogue's quarter target ('-' there means
           -- not measured this quarter: no target), else the annual target
           CASE WHEN doc_target_q_raw IS NOT NULL THEN 'document_quarter'
                WHEN doc_target_y_raw IS NOT NULL THEN 'document_year'
                WHEN cat_target_q_raw IS NOT NULL THEN 'catalogue_quarter'
                WHEN cat_target_y_raw IS NOT NULL THEN 'catalogue_year' END AS target_source,
           CASE WHEN doc_target_q_raw IS NOT NULL THEN doc_target_q
                WHEN doc_target_y_raw IS NOT NULL THEN doc_target_y
                WHEN cat_target_q_raw IS NOT NULL THEN cat_target_q
                ELSE cat_target_y END AS target,
           CASE WHEN doc_target_q_raw IS NOT NULL THEN coalesce(doc_target_q_low, doc_target_q)
                WHEN doc_target_y_raw IS NOT NULL THEN coalesce(doc_target_y_low, doc_target_y)
                WHEN cat_target_q_raw IS NOT NULL THEN cat_target_q
                ELSE cat_target_y END AS target_low,
           coalesce(doc_target_q_raw, doc_target_y_raw, cat_target_q_raw, cat_target_y_raw) AS target_raw
    FROM base
), scored AS (
    SELECT *, capaian_pct(target_low, target, realisasi, formula) AS capaian
    FROM targeted
), checked AS (
    -- a printed capaian more than 1 percentage point away from the computed one is flagged
    SELECT *, capaian_printed IS NOT NULL AND capaian IS NOT NULL AND abs(capaian_printed - capaian) > 1.0
              AS capaian_mismatch
    FROM scored
)
SELECT *,
       capaian_clamped(capaian) AS capaian_clamped,
       capaian_band(capaian) AS band,
       CASE WHEN superseded THEN 'superseded'
            WHEN verified OR corrected_value IS NOT NULL THEN 'verified'   -- a reviewer has looked at it
            WHEN match_status <> 'matched' OR value_flag IS NOT NULL OR quarter_problem
                 OR len(coalesce(document_flags, [])) > 0 OR capaian_mismatch
                 OR (confidence IS NOT NULL AND confidence < 60) THEN 'needs_review'
            ELSE 'extracted' END AS status
FROM checked;
