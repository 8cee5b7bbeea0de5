-- Staging: rename and cast only.
CREATE OR REPLACE VIEW stg_documents AS
SELECT document_id, sha256, original_name, archived_path, file_type, size_bytes, received_at, processed_at,
       doc_type, doc_type_score, doc_type_evidence, status, page_count, year, periods, warnings,
       processing_seconds, pipeline_version, run_id
FROM raw_documents;

CREATE OR REPLACE VIEW stg_pages AS
SELECT document_id, page_no, width_pt, height_pt, text_source, extractor, text_layer_quality, rotation, skew_angle, dpi,
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

CREATE OR REPLACE VIEW stg_performance_docs AS
SELECT document_id, form, opd, unit, unit_key, year, quarter, reported_quarters, sources, place, signed_date, flags
FROM raw_performance_docs;

CREATE OR REPLACE VIEW stg_parties AS
SELECT document_id, pihak, nama, jabatan, pangkat, nip, nip_status, nip_reasons, page_no, x0, y0, x1, y1, confidence
FROM raw_parties;

CREATE OR REPLACE VIEW stg_perf_lines AS
SELECT document_id, line_no, table_no, row_no, level, level_rule, parent_line, sasaran, program, indicator, satuan,
       penanggung_jawab, keterangan, polarity, polarity_rule, aggregation, aggregation_rule,
       page_no, x0, y0, x1, y1, confidence, flags
FROM raw_perf_lines;

CREATE OR REPLACE VIEW stg_measures AS
SELECT document_id, line_no, measure, quarter, raw_text, kind, value, low, high, predicate, unit, comparator, flag,
       page_no, x0, y0, x1, y1, confidence, extractor
FROM raw_measures;

-- The newest catalogue build.
CREATE OR REPLACE VIEW stg_catalogue AS
SELECT * EXCLUDE (build_id, built_at), built_at
FROM raw_catalogue
WHERE build_id = (SELECT build_id FROM raw_catalogue ORDER BY built_at DESC, build_id DESC LIMIT 1);

-- The newest automatic mapping of each report line.
CREATE OR REPLACE VIEW stg_indicator_matches AS
SELECT document_id, line_no, status, indicator_id, score, method, candidates, matched_at
FROM raw_indicator_matches
QUALIFY row_number() OVER (PARTITION BY document_id, line_no ORDER BY matched_at DESC, run_id DESC) = 1;

CREATE OR REPLACE VIEW stg_corrections AS
SELECT correction_id, recorded_at, actor, document_id, line_no, quarter, action, new_value, indicator_id, note
FROM raw_corrections;

CREATE OR REPLACE VIEW stg_deadlines AS
SELECT document, days FROM raw_deadlines;

CREATE OR REPLACE VIEW stg_signature_blocks AS
SELECT document_id, block_no, page_no, role, jabatan, nama, pangkat, nip_raw, nip, nip_status, nip_reasons,
       zone_x0, zone_y0, zone_x1, zone_y1, name_x0, name_y0, name_x1, name_y1, name_confidence, extractor,
       signed, signed_confidence, signature_x0, signature_y0, signature_x1, signature_y1, signature_colour, pasted,
       stamp, stamp_required, stamp_confidence, stamp_x0, stamp_y0, stamp_x1, stamp_y1, stamp_colour,
       paraf, paraf_x0, paraf_y0, paraf_x1, paraf_y1, name_variants, flags
FROM raw_signature_blocks;

CREATE OR REPLACE VIEW stg_marks AS
SELECT document_id, page_no, kind, x0, y0, x1, y1, confidence, colour, pasted, stroke_pt, context, signature_score
FROM raw_marks;
