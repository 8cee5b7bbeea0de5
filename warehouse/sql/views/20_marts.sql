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
