-- Performance documents (issue 4): PK, Rencana Aksi, quarterly reports, Monev.
-- Bounding boxes in PDF points (1/72 inch) from the top-left of the upright page.
CREATE TABLE IF NOT EXISTS raw_performance_docs (
    document_id       BIGINT PRIMARY KEY,
    form              VARCHAR NOT NULL,      -- perjanjian_kinerja | rencana_aksi | laporan_triwulan | renja_evaluasi | monev
    opd               VARCHAR,
    unit              VARCHAR,
    unit_key          VARCHAR,
    year              INTEGER,
    quarter           INTEGER,               -- 1..4; NULL for a yearly document or a TW I..IV form
    reported_quarters INTEGER[],
    sources           JSON,                  -- where opd/unit, year, quarter were read: document | file_name
    place             VARCHAR,
    signed_date       DATE,
    flags             VARCHAR[]
);

CREATE TABLE IF NOT EXISTS raw_parties (
    document_id  BIGINT NOT NULL,
    pihak        VARCHAR NOT NULL,           -- pertama | kedua
    nama         VARCHAR,
    jabatan      VARCHAR,
    pangkat      VARCHAR,
    nip          VARCHAR,
    nip_status   VARCHAR,                    -- valid | flag | invalid
    nip_reasons  JSON,
    page_no      INTEGER,
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE,
    confidence   DOUBLE
);

CREATE TABLE IF NOT EXISTS raw_perf_lines (
    document_id      BIGINT NOT NULL,
    line_no          INTEGER NOT NULL,
    table_no         INTEGER NOT NULL,
    row_no           INTEGER NOT NULL,
    level            VARCHAR NOT NULL,       -- sasaran | opd | urusan | program | kegiatan | sub_kegiatan | budget
    level_rule       VARCHAR,
    parent_line      INTEGER,
    sasaran          VARCHAR,
    program          VARCHAR,
    indicator        VARCHAR,
    satuan           VARCHAR,
    penanggung_jawab VARCHAR,
    keterangan       VARCHAR,
    polarity         VARCHAR,
    polarity_rule    VARCHAR,
    aggregation      VARCHAR,
    aggregation_rule VARCHAR,
    page_no          INTEGER,
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE,
    confidence       DOUBLE,
    flags            VARCHAR[],
    PRIMARY KEY (document_id, line_no)
);

CREATE TABLE IF NOT EXISTS raw_measures (
    document_id  BIGINT NOT NULL,
    line_no      INTEGER NOT NULL,
    measure      VARCHAR NOT NULL,           -- target | realisasi | capaian | anggaran | realisasi_anggaran
    quarter      INTEGER,                    -- 1..4; NULL = the year
    raw_text     VARCHAR,
    kind         VARCHAR NOT NULL,           -- number | percent | rupiah | range | predicate | none | text
    value        DOUBLE,                     -- NULL = no value (never 0 for a missing value)
    low          DOUBLE,
    high         DOUBLE,
    predicate    VARCHAR,
    unit         VARCHAR,
    flag         VARCHAR,                    -- ambiguous_number | unparsed
    page_no      INTEGER,
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE,
    confidence   DOUBLE,
    extractor    VARCHAR
);

-- The secretariat's indicator file: every import kept; the catalogue uses the newest.
CREATE SEQUENCE IF NOT EXISTS seq_import_id START 1;
CREATE TABLE IF NOT EXISTS raw_indicator_imports (
    import_id    BIGINT PRIMARY KEY DEFAULT nextval('seq_import_id'),
    imported_at  TIMESTAMP NOT NULL,
    source_file  VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    row_count    INTEGER NOT NULL,
    rows         JSON NOT NULL               -- the parsed rows (CatalogueSource)
);

-- Derived: each build of the catalogue and each mapping run is kept (newest wins in the views).
CREATE TABLE IF NOT EXISTS raw_catalogue (
    build_id         VARCHAR NOT NULL,
    built_at         TIMESTAMP NOT NULL,
    indicator_id     VARCHAR NOT NULL,
    year             INTEGER NOT NULL,
    opd              VARCHAR,
    unit             VARCHAR,
    unit_key         VARCHAR,
    sasaran          VARCHAR,
    indicator        VARCHAR NOT NULL,
    indicator_key    VARCHAR,
    satuan           VARCHAR,
    target_year      DOUBLE,
    target_year_raw  VARCHAR,
    target_kind      VARCHAR,
    target_q1 DOUBLE, target_q2 DOUBLE, target_q3 DOUBLE, target_q4 DOUBLE,
    target_q1_raw VARCHAR, target_q2_raw VARCHAR, target_q3_raw VARCHAR, target_q4_raw VARCHAR,
    polarity         VARCHAR NOT NULL,
    polarity_rule    VARCHAR,
    formula          VARCHAR NOT NULL,
    aggregation      VARCHAR NOT NULL,
    aggregation_rule VARCHAR,
    sources          VARCHAR[],
    members          VARCHAR[]
);

CREATE TABLE IF NOT EXISTS raw_indicator_matches (
    run_id        VARCHAR NOT NULL,
    matched_at    TIMESTAMP NOT NULL,
    document_id   BIGINT NOT NULL,
    line_no       INTEGER NOT NULL,
    status        VARCHAR NOT NULL,          -- matched | ambiguous | weak | unmatched | no_catalogue
    indicator_id  VARCHAR,
    score         DOUBLE,
    method        VARCHAR,                   -- exact | fuzzy
    candidates    JSON
);

-- Human decisions are events, never overwrites: verify a value, correct it, or map a row by hand.
CREATE SEQUENCE IF NOT EXISTS seq_correction_id START 1;
CREATE TABLE IF NOT EXISTS raw_corrections (
    correction_id  BIGINT PRIMARY KEY DEFAULT nextval('seq_correction_id'),
    recorded_at    TIMESTAMP NOT NULL,
    actor          VARCHAR,
    document_id    BIGINT NOT NULL,
    line_no        INTEGER NOT NULL,
    quarter        INTEGER,
    action         VARCHAR NOT NULL,         -- verify | correct | map
    new_value      DOUBLE,
    indicator_id   VARCHAR,
    note           VARCHAR
);

CREATE TABLE IF NOT EXISTS raw_capaian_bands (
    lower_bound  DOUBLE NOT NULL,            -- half-open [lower_bound, next lower_bound)
    band         VARCHAR NOT NULL
);
