-- Raw layer: written only by the loader (warehouse/store.py). Analysts read the views.
CREATE SEQUENCE IF NOT EXISTS seq_document_id START 1;
CREATE SEQUENCE IF NOT EXISTS seq_error_id START 1;

CREATE TABLE IF NOT EXISTS raw_runs (
    run_id          VARCHAR PRIMARY KEY,
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    inbox           VARCHAR,
    processed       INTEGER,
    skipped         INTEGER,
    quarantined     INTEGER,
    waiting         INTEGER,
    pages           INTEGER,
    seconds         DOUBLE
);

-- One row per distinct file content (SHA-256). A re-submission with other bytes is a new row.
CREATE TABLE IF NOT EXISTS raw_documents (
    document_id        BIGINT PRIMARY KEY DEFAULT nextval('seq_document_id'),
    sha256             VARCHAR NOT NULL UNIQUE,
    original_name      VARCHAR NOT NULL,
    archived_path      VARCHAR NOT NULL,
    file_type          VARCHAR NOT NULL,
    size_bytes         BIGINT,
    received_at        TIMESTAMP NOT NULL,
    processed_at       TIMESTAMP NOT NULL,
    doc_type           VARCHAR NOT NULL,
    doc_type_score     DOUBLE,
    doc_type_scores    JSON,
    doc_type_evidence  JSON,
    status             VARCHAR NOT NULL,      -- extracted | needs_review
    page_count         INTEGER NOT NULL,
    year               INTEGER,
    periods            JSON,
    warnings           JSON,
    processing_seconds DOUBLE,
    pipeline_version   VARCHAR,
    run_id             VARCHAR
);

CREATE TABLE IF NOT EXISTS raw_pages (
    document_id        BIGINT NOT NULL,
    page_no            INTEGER NOT NULL,       -- 1-based
    width_pt           DOUBLE,
    height_pt          DOUBLE,
    text_source        VARCHAR NOT NULL,       -- text_layer | ocr
    text_layer_quality DOUBLE,
    rotation           INTEGER,                -- degrees clockwise applied
    skew_angle         DOUBLE,                 -- degrees
    dpi                INTEGER,
    mean_confidence    DOUBLE,                 -- percent, OCR pages only
    ink_ratio          DOUBLE,
    word_count         INTEGER,
    notes              JSON,
    PRIMARY KEY (document_id, page_no)
);

-- Bounding boxes in PDF points (1/72 inch) from the top-left of the upright page.
CREATE TABLE IF NOT EXISTS raw_words (
    document_id  BIGINT NOT NULL,
    page_no      INTEGER NOT NULL,
    word_no      INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE,
    confidence   DOUBLE,
    block_no     INTEGER,
    par_no       INTEGER,
    line_no      INTEGER,
    source       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS raw_fields (
    document_id  BIGINT NOT NULL,
    field        VARCHAR NOT NULL,
    value        VARCHAR,
    raw_text     VARCHAR,
    page_no      INTEGER,
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE,
    confidence   DOUBLE,
    extractor    VARCHAR,
    flag         VARCHAR,                      -- low_confidence | unparsed | invalid | pppk
    PRIMARY KEY (document_id, field)
);

CREATE TABLE IF NOT EXISTS raw_sop_items (
    document_id  BIGINT NOT NULL,
    box          VARCHAR NOT NULL,
    item_no      INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    page_no      INTEGER,
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE,
    confidence   DOUBLE,
    extractor    VARCHAR
);

CREATE TABLE IF NOT EXISTS raw_nip_checks (
    document_id  BIGINT NOT NULL,
    field        VARCHAR NOT NULL,
    raw          VARCHAR,
    digits       VARCHAR,
    status       VARCHAR,                      -- valid | flag | invalid
    reasons      JSON,
    birth_date   DATE,
    appointment  VARCHAR,
    gender       VARCHAR
);

CREATE TABLE IF NOT EXISTS raw_errors (
    error_id        BIGINT PRIMARY KEY DEFAULT nextval('seq_error_id'),
    sha256          VARCHAR,
    original_name   VARCHAR NOT NULL,
    occurred_at     TIMESTAMP NOT NULL,
    error_code      VARCHAR NOT NULL,
    message         VARCHAR NOT NULL,
    detail          VARCHAR,
    quarantine_path VARCHAR,
    archived_path   VARCHAR,
    run_id          VARCHAR
);
