-- Marts for the consolidated recap (issue 6): units, expected signatories, one value per indicator and quarter,
-- and the capaian of every period (TW I..IV, semester I/II, year) by the indicator's aggregation.

-- Units (bidang / seksi / subbagian, or the agency itself when a document names no unit) seen per year in any
-- performance document or in the indicator catalogue.
CREATE OR REPLACE VIEW dim_units AS
WITH seen AS (
    SELECT p.year, p.unit_key, p.opd, p.unit, 'document' AS source, d.received_at AS seen_at
    FROM stg_performance_docs p JOIN stg_documents d USING (document_id)
    WHERE p.unit_key IS NOT NULL AND p.unit_key <> '' AND p.year IS NOT NULL
    UNION ALL
    SELECT year, unit_key, opd, unit, 'catalogue', built_at FROM dim_indicators
    WHERE unit_key IS NOT NULL AND unit_key <> '' AND year IS NOT NULL
)
SELECT year, unit_key,
       arg_max(opd, seen_at) FILTER (WHERE opd IS NOT NULL)   AS opd,
       arg_max(unit, seen_at) FILTER (WHERE unit IS NOT NULL) AS unit,
       list(DISTINCT source ORDER BY source)                  AS sources
FROM seen
GROUP BY year, unit_key;

-- Expected signatories per document (issue 5): one row per signatory (the same role and NIP, or the same role when
-- no NIP is printed, on every page that prints the block). signed = signed on every page that carries the block;
-- stamp/paraf = seen on at least one page. NULL = the pages were never examined as images (documents loaded before
-- signature detection). name_consistent is false when the printed name differs between pages.
CREATE OR REPLACE VIEW fct_signatures AS
WITH b AS (
    SELECT *, CASE WHEN nip IS NOT NULL AND length(nip) >= 15 THEN role || ':' || nip
                   WHEN role = 'penandatangan' THEN role || ':' || coalesce(upper(nama), '') || ':' || page_no
                   -- one row of a Paraf column: one person per row
                   WHEN role = 'paraf' THEN role || ':' || coalesce(upper(nama), '') || ':' || page_no || ':'
                                            || round(zone_y0)
                   ELSE role END AS signatory_key
    FROM stg_signature_blocks
)
SELECT document_id, signatory_key, any_value(role) AS role,
       arg_max(jabatan, length(coalesce(jabatan, '')))            AS jabatan,
       arg_max(nama, coalesce(name_confidence, 100))              AS nama,
       arg_max(pangkat, length(coalesce(pangkat, '')))            AS pangkat,
       arg_max(nip, nip_status = 'valid')                         AS nip,
       arg_max(nip_status, nip_status = 'valid')                  AS nip_status,
       arg_max(nip_reasons, nip_status = 'valid')                 AS nip_reasons,
       list(page_no ORDER BY page_no)                             AS pages,
       list(page_no ORDER BY page_no) FILTER (WHERE signed = false) AS unsigned_pages,
       min(page_no)                                               AS page_no,
       arg_min(zone_x0, page_no) AS x0, arg_min(zone_y0, page_no) AS y0,
       arg_min(zone_x1, page_no) AS x1, arg_min(zone_y1, page_no) AS y1,
       CASE WHEN count(signed) < count(*) THEN NULL ELSE bool_and(signed) END AS signed,
       min(signed_confidence)                                     AS signed_confidence,
       bool_or(pasted)                                            AS pasted,
       CASE WHEN count(stamp) < count(*) THEN NULL ELSE bool_or(stamp) END AS stamp,
       bool_or(stamp_required)                                    AS stamp_required,
       CASE WHEN count(paraf) < count(*) THEN NULL ELSE bool_or(paraf) END AS paraf,
       NOT bool_or(list_contains(flags, 'name_differs_between_pages')) AS name_consistent,
       list_distinct(flatten(list(name_variants)))                AS name_variants,
       list_distinct(flatten(list(flags)))                        AS flags
FROM b
GROUP BY document_id, signatory_key;

-- One row per indicator, unit, year and quarter 1..4: every catalogue indicator in every quarter (so a quarter
-- nobody reported is a row, not a gap) plus report rows that map to no catalogue indicator. The value is the
-- current (not superseded) realisation; `measured` is false when the target of that quarter is '-' (not measured
-- that quarter, ../shared/DOMAIN.md), which is different from a missing report.
CREATE OR REPLACE VIEW fct_indicator_quarters AS
WITH cur AS (
    SELECT * FROM (
        SELECT f.*, coalesce(f.indicator_id, 'unmapped:' || f.unit_key || ':' || lower(trim(f.indicator_printed)))
                    AS indicator_ref
        FROM fct_realisations f
        WHERE f.status <> 'superseded' AND f.indicator_printed IS NOT NULL AND f.quarter BETWEEN 1 AND 4
          AND f.year IS NOT NULL)
    QUALIFY row_number() OVER (PARTITION BY year, unit_key, indicator_ref, quarter ORDER BY document_id DESC, line_no) = 1
), cat AS (
    SELECT i.indicator_id AS indicator_ref, i.indicator_id, i.year, i.opd, i.unit, i.unit_key, i.sasaran, i.indicator,
           i.indicator_key, i.satuan, i.polarity, i.formula, i.aggregation, i.target_year, i.target_year_raw, q.quarter,
           [i.target_q1, i.target_q2, i.target_q3, i.target_q4][q.quarter]                     AS cat_target,
           [i.target_q1_raw, i.target_q2_raw, i.target_q3_raw, i.target_q4_raw][q.quarter]     AS cat_target_raw,
           coalesce(i.target_q1_raw, i.target_q2_raw, i.target_q3_raw, i.target_q4_raw) IS NOT NULL AS has_quarter_targets
    FROM dim_indicators i CROSS JOIN (SELECT unnest([1, 2, 3, 4]) AS quarter) q
), reports AS (
    SELECT unit_key, year, quarter, current_document_id FROM fct_report_quarters WHERE NOT superseded
), joined AS (
    SELECT coalesce(c.indicator_ref, r.indicator_ref) AS indicator_ref,
           coalesce(c.year, r.year) AS year, coalesce(c.quarter, r.quarter) AS quarter,
           coalesce(c.opd, r.opd) AS opd, coalesce(c.unit, r.unit) AS unit, coalesce(c.unit_key, r.unit_key) AS unit_key,
           coalesce(c.sasaran, r.catalogue_sasaran, r.sasaran) AS sasaran,
           coalesce(c.indicator, r.indicator_printed) AS indicator,
           coalesce(c.indicator_key, lower(trim(r.indicator_printed))) AS indicator_key,
           coalesce(c.satuan, r.satuan) AS satuan, c.indicator_id,
           coalesce(c.polarity, r.polarity) AS polarity, coalesce(c.formula, r.formula) AS formula,
           coalesce(c.aggregation, r.aggregation) AS aggregation,
           c.target_year_raw AS catalogue_target_year_raw,
           -- the quarter's target: what the report printed for it, else the catalogue's
           CASE WHEN r.target_raw IS NOT NULL THEN r.target ELSE c.cat_target END          AS target,
           CASE WHEN r.target_raw IS NOT NULL THEN r.target_low ELSE c.cat_target END      AS target_low,
           coalesce(r.target_raw, c.cat_target_raw)                                         AS target_raw,
           CASE WHEN r.target_raw IS NOT NULL THEN r.target_source
                WHEN c.cat_target_raw IS NOT NULL THEN 'catalogue_quarter' END             AS target_source,
           c.has_quarter_targets,
           r.realisasi, r.realisasi_raw, r.capaian, r.capaian_clamped, r.band, r.status, r.match_status,
           r.document_id, r.line_no, r.page_no, r.x0, r.y0, r.x1, r.y1, r.confidence
    FROM cat c
    FULL OUTER JOIN cur r ON r.indicator_ref = c.indicator_ref AND r.quarter = c.quarter
)
SELECT j.*,
       NOT (trim(coalesce(j.target_raw, '')) IN ('-', '–', '—')
            OR (j.target_raw IS NULL AND j.realisasi IS NULL AND coalesce(j.has_quarter_targets, false))) AS measured,
       rp.current_document_id AS report_document_id,
       d.original_name AS source_document
FROM joined j
LEFT JOIN reports rp ON rp.unit_key = j.unit_key AND rp.year = j.year AND rp.quarter = j.quarter
LEFT JOIN stg_documents d ON d.document_id = coalesce(j.document_id, rp.current_document_id);

-- Capaian per period and indicator, aggregated by the indicator's aggregation (../shared/DOMAIN.md):
-- cumulative: target and realisasi summed over the same quarters (those with both);
-- last_value: the last quarter of the period with a realisation, and that quarter's target;
-- ratio: recomputed from numerator and denominator would be right, but the forms report neither, so the last
--        value is used and the note says so. Percentages are never added.
-- `quarters_reported` lists the quarters with a realisation, `quarters_missing` the quarters with a target but
-- no realisation, `quarters_not_measured` the quarters whose target is '-'.
CREATE OR REPLACE VIEW fct_period_capaian AS
WITH periods AS (
    SELECT * FROM (VALUES ('TW1', 1, 1, 1), ('TW2', 2, 2, 2), ('TW3', 3, 3, 3), ('TW4', 4, 4, 4),
                          ('S1', 1, 2, 5), ('S2', 3, 4, 6), ('Y', 1, 4, 7)) p(period, q_from, q_to, period_order)
), x AS (
    SELECT p.period, p.period_order, p.q_from, p.q_to, q.*,
           q.realisasi IS NOT NULL AND q.target IS NOT NULL AS paired
    FROM periods p JOIN fct_indicator_quarters q ON q.quarter BETWEEN p.q_from AND p.q_to
), agg AS (
    SELECT period, period_order, q_from, q_to, year, unit_key, indicator_ref,
           any_value(opd) AS opd, any_value(unit) AS unit, any_value(sasaran) AS sasaran,
           any_value(indicator) AS indicator, any_value(indicator_key) AS indicator_key, any_value(satuan) AS satuan,
           any_value(indicator_id) AS indicator_id, any_value(polarity) AS polarity, any_value(formula) AS formula,
           coalesce(any_value(aggregation), 'last_value') AS aggregation,
           list(quarter ORDER BY quarter) FILTER (WHERE realisasi IS NOT NULL)                    AS quarters_reported,
           list(quarter ORDER BY quarter) FILTER (WHERE measured AND realisasi IS NULL)           AS quarters_missing,
           list(quarter ORDER BY quarter) FILTER (WHERE NOT measured AND realisasi IS NULL)       AS quarters_not_measured,
           sum(target) FILTER (WHERE paired)                 AS sum_target,
           sum(target_low) FILTER (WHERE paired)             AS sum_target_low,
           sum(realisasi) FILTER (WHERE paired)              AS sum_realisasi,
           sum(target) FILTER (WHERE measured)               AS planned_target,
           max(quarter) FILTER (WHERE realisasi IS NOT NULL) AS last_quarter,
           arg_max(target, quarter) FILTER (WHERE measured)                  AS last_planned_target,
           arg_max(target_low, quarter) FILTER (WHERE measured)              AS last_planned_target_low,
           arg_max(target, quarter) FILTER (WHERE realisasi IS NOT NULL)     AS last_target,
           arg_max(target_low, quarter) FILTER (WHERE realisasi IS NOT NULL) AS last_target_low,
           arg_max(realisasi, quarter) FILTER (WHERE realisasi IS NOT NULL)  AS last_realisasi,
           arg_max(target_raw, quarter) FILTER (WHERE realisasi IS NOT NULL) AS last_target_raw,
           bool_or(status = 'needs_review')                                  AS any_review,
           bool_and(status = 'verified') FILTER (WHERE realisasi IS NOT NULL) AS all_verified,
           list(DISTINCT source_document ORDER BY source_document) FILTER (WHERE realisasi IS NOT NULL) AS source_documents,
           list(DISTINCT document_id ORDER BY document_id) FILTER (WHERE realisasi IS NOT NULL)         AS document_ids
    FROM x
    GROUP BY ALL
), valued AS (
    -- with no realisation in the period the target shown is the planned one (so a reader sees what was due)
    SELECT *,
           CASE WHEN last_quarter IS NULL THEN CASE WHEN aggregation = 'cumulative' THEN planned_target
                                                    ELSE last_planned_target END
                WHEN aggregation = 'cumulative' THEN sum_target ELSE last_target END           AS target,
           CASE WHEN last_quarter IS NULL THEN CASE WHEN aggregation = 'cumulative' THEN planned_target
                                                    ELSE last_planned_target_low END
                WHEN aggregation = 'cumulative' THEN sum_target_low ELSE last_target_low END   AS target_low,
           CASE WHEN aggregation = 'cumulative' THEN sum_realisasi ELSE last_realisasi END     AS realisasi
    FROM agg
), scored AS (
    SELECT *, capaian_pct(target_low, target, realisasi, formula) AS capaian FROM valued
)
SELECT period, period_order, year, opd, unit, unit_key, sasaran, indicator, indicator_key, satuan, indicator_id,
       indicator_ref, polarity, formula, aggregation, target, target_low, realisasi, planned_target, last_quarter,
       capaian, capaian_clamped(capaian) AS capaian_clamped, capaian_band(capaian) AS band,
       coalesce(quarters_reported, []) AS quarters_reported, coalesce(quarters_missing, []) AS quarters_missing,
       coalesce(quarters_not_measured, []) AS quarters_not_measured,
       len(coalesce(quarters_missing, [])) > 0 AS missing_quarter,
       CASE WHEN len(coalesce(quarters_reported, [])) = 0 AND len(coalesce(quarters_missing, [])) = 0 THEN 'not_measured'
            WHEN len(coalesce(quarters_reported, [])) = 0 THEN 'no_data'
            WHEN any_review THEN 'needs_review'
            WHEN all_verified THEN 'verified'
            ELSE 'extracted' END AS status,
       -- what a reader must know about this figure, in Indonesian (the report's language)
       concat_ws('; ',
           CASE WHEN len(coalesce(quarters_reported, [])) = 0 AND len(coalesce(quarters_missing, [])) = 0
                THEN 'Tidak diukur pada periode ini' END,
           CASE WHEN len(coalesce(quarters_missing, [])) > 0
                THEN 'Belum ada realisasi ' || array_to_string(list_transform(quarters_missing,
                         lambda q: 'TW ' || ['I', 'II', 'III', 'IV'][q]), ', ') END,
           CASE WHEN len(coalesce(quarters_reported, [])) > 0 AND target IS NULL THEN 'Tidak ada target' END,
           CASE WHEN target = 0 THEN 'Target 0: capaian tidak dapat dihitung' END,
           CASE WHEN aggregation = 'ratio' AND len(coalesce(quarters_reported, [])) > 0
                THEN 'Rasio: pembilang dan penyebut tidak dilaporkan, dipakai nilai triwulan terakhir' END,
           CASE WHEN any_review THEN 'Ada nilai yang perlu diperiksa' END) AS note,
       coalesce(source_documents, []) AS source_documents, coalesce(document_ids, []) AS document_ids
FROM scored;
