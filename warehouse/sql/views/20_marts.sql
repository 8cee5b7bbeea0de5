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
