-- Staging: rename and cast only.
CREATE OR REPLACE VIEW stg_documents AS
SELECT document_id, sha256, original_name, archived_path, file_type, size_bytes, received_at, processed_at,
       doc_type, doc_type_score, doc_type_evidence, status, page_count, year, periods, warnings,
       processing_seconds, pipeline_version, run_id
FROM raw_documents;

CREATE OR REPLACE VIEW stg_pages AS
SELECT document_id, page_no, width_pt, height_pt, text_source, text_layer_quality, rotation, skew_angle, dpi,
       mean_confidence, ink_ratio, word_count, notes
FROM raw_pages;

CREATE OR REPLACE VIEW stg_fields AS
SELECT document_id, field, value, raw_text, page_no, x0, y0, x1, y1, confidence, extractor, flag
FROM raw_fields;

CREATE OR REPLACE VIEW stg_sop_items AS
SELECT document_id, box, item_no, text, page_no, x0, y0, x1, y1, confidence, extractor
FROM raw_sop_items;

CREATE OR REPLACE VIEW stg_nip_checks AS
SELECT document_id, field, raw, digits, status, reasons, birth_date, appointment, gender
FROM raw_nip_checks;

CREATE OR REPLACE VIEW stg_errors AS
SELECT error_id, sha256, original_name, occurred_at, error_code, message, detail, quarantine_path, archived_path, run_id
FROM raw_errors;

CREATE OR REPLACE VIEW stg_runs AS
SELECT run_id, started_at, finished_at, inbox, processed, skipped, quarantined, waiting, pages, seconds
FROM raw_runs;

CREATE OR REPLACE VIEW stg_tables AS
SELECT document_id, table_no, first_page, pages, x0, y0, x1, y1, method, extractor, dpi, n_rows, n_cols,
       header_rows, flags
FROM raw_tables;

CREATE OR REPLACE VIEW stg_cells AS
SELECT document_id, table_no, row_no, col_no, row_span, col_span, page_no, x0, y0, x1, y1, text, confidence, is_header
FROM raw_cells;

CREATE OR REPLACE VIEW stg_sop_steps AS
SELECT document_id, seq, step_no, kegiatan, kelengkapan, waktu_raw, waktu_value, waktu_unit, duration_minutes,
       output, keterangan, page_no, x0, y0, x1, y1, confidence, flags
FROM raw_sop_steps;

CREATE OR REPLACE VIEW stg_sop_performers AS
SELECT document_id, seq, role_label, role, symbol, x0, y0, x1, y1
FROM raw_sop_performers;
