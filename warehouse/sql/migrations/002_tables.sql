-- Tables (issue 3): one row per table, one per cell; SOP flowchart steps and their performers.
-- Bounding boxes in PDF points (1/72 inch) from the top-left of the upright page.
CREATE TABLE IF NOT EXISTS raw_tables (
    document_id  BIGINT NOT NULL,
    table_no     INTEGER NOT NULL,             -- 1.. in document order
    first_page   INTEGER NOT NULL,
    pages        INTEGER[] NOT NULL,           -- more than one when stitched across pages
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE, -- on the first page
    method       VARCHAR NOT NULL,             -- ruled | text | transcription
    extractor    VARCHAR NOT NULL,             -- pdfium | pdfplumber | tesseract
    dpi          INTEGER,                      -- raster dpi of an OCR-ed page
    n_rows       INTEGER NOT NULL,
    n_cols       INTEGER NOT NULL,
    header_rows  INTEGER NOT NULL,
    flags        VARCHAR[],                    -- empty_grid | cut_at_page_edge | continued | repeated_header_dropped
    PRIMARY KEY (document_id, table_no)
);

CREATE TABLE IF NOT EXISTS raw_cells (
    document_id  BIGINT NOT NULL,
    table_no     INTEGER NOT NULL,
    row_no       INTEGER NOT NULL,             -- 0-based grid position of the top-left corner
    col_no       INTEGER NOT NULL,
    row_span     INTEGER NOT NULL,
    col_span     INTEGER NOT NULL,
    page_no      INTEGER NOT NULL,
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE,
    text         VARCHAR NOT NULL,             -- lines joined by newlines
    confidence   DOUBLE,                       -- mean OCR word confidence, percent
    is_header    BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS raw_sop_steps (
    document_id      BIGINT NOT NULL,
    seq              INTEGER NOT NULL,         -- order in the document, 1..
    step_no          INTEGER,                  -- as printed
    kegiatan         VARCHAR NOT NULL,
    kelengkapan      VARCHAR,
    waktu_raw        VARCHAR,
    waktu_value      DOUBLE,
    waktu_unit       VARCHAR,                  -- minute | hour | day | week | month
    duration_minutes DOUBLE,                   -- working minutes (pipeline/durations.py)
    output           VARCHAR,
    keterangan       VARCHAR,
    page_no          INTEGER,
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE,
    confidence       DOUBLE,
    flags            VARCHAR[],
    PRIMARY KEY (document_id, seq)
);

CREATE TABLE IF NOT EXISTS raw_sop_performers (
    document_id  BIGINT NOT NULL,
    seq          INTEGER NOT NULL,             -- the step (raw_sop_steps.seq)
    role_label   VARCHAR NOT NULL,             -- swimlane header as printed
    role         VARCHAR NOT NULL,             -- canonical role (pipeline/roles.py)
    symbol       VARCHAR,                      -- terminator | process | decision | document
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE
);
