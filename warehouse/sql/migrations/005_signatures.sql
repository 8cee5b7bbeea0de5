-- Signatures, parafs and stamps (issue 5). One row per signature block found on a page, and every ink mark of a
-- page (whole-page detector). Boxes in PDF points, top-left origin; confidences 0..1.
CREATE TABLE IF NOT EXISTS raw_signature_blocks (
    document_id        BIGINT NOT NULL,
    block_no           INTEGER NOT NULL,         -- order on the document
    page_no            INTEGER NOT NULL,
    role               VARCHAR NOT NULL,         -- pihak_pertama | pihak_kedua | disahkan_oleh | mengetahui | penandatangan
    jabatan            VARCHAR,
    nama               VARCHAR,
    pangkat            VARCHAR,
    nip_raw            VARCHAR,
    nip                VARCHAR,                  -- digits
    nip_status         VARCHAR,                  -- valid | flag | invalid | NULL (no NIP printed)
    nip_reasons        VARCHAR[],
    zone_x0 DOUBLE, zone_y0 DOUBLE, zone_x1 DOUBLE, zone_y1 DOUBLE,
    name_x0 DOUBLE, name_y0 DOUBLE, name_x1 DOUBLE, name_y1 DOUBLE,
    name_confidence    DOUBLE,                   -- OCR percent of the printed name
    extractor          VARCHAR,
    signed             BOOLEAN,                  -- NULL: page never examined as an image
    signed_confidence  DOUBLE,
    signature_x0 DOUBLE, signature_y0 DOUBLE, signature_x1 DOUBLE, signature_y1 DOUBLE,
    signature_colour   VARCHAR,
    pasted             BOOLEAN,
    stamp              BOOLEAN,
    stamp_required     BOOLEAN,
    stamp_confidence   DOUBLE,
    stamp_x0 DOUBLE, stamp_y0 DOUBLE, stamp_x1 DOUBLE, stamp_y1 DOUBLE,
    stamp_colour       VARCHAR,
    paraf              BOOLEAN,
    paraf_x0 DOUBLE, paraf_y0 DOUBLE, paraf_x1 DOUBLE, paraf_y1 DOUBLE,
    name_variants      VARCHAR[],
    flags              VARCHAR[],
    PRIMARY KEY (document_id, block_no)
);

CREATE TABLE IF NOT EXISTS raw_marks (
    document_id  BIGINT NOT NULL,
    page_no      INTEGER NOT NULL,
    kind         VARCHAR NOT NULL,               -- signature | paraf | stamp
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE,
    confidence   DOUBLE,
    colour       VARCHAR,
    pasted       BOOLEAN,
    stroke_pt    DOUBLE
);

-- pages examined for ink (False for pages processed before signature detection existed)
ALTER TABLE raw_pages ADD COLUMN IF NOT EXISTS marks_checked BOOLEAN DEFAULT FALSE;
