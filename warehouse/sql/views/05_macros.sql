-- Capaian (achievement) rules, ../shared/DOMAIN.md "Capaian": one definition used by every view.
-- capaian_pct: percent; NULL when there is no realisation, no target, or a zero target (never 0).
-- Range targets (t_low < t_high): compare with the upper bound when above it, the lower when below,
-- and count a realisation inside the range as 100 %.
CREATE OR REPLACE MACRO capaian_target(t_low, t_high, r) AS
    CASE WHEN r IS NULL OR t_high IS NULL THEN t_high
         WHEN r > t_high THEN t_high
         WHEN r < coalesce(t_low, t_high) THEN coalesce(t_low, t_high)
         ELSE r END;

CREATE OR REPLACE MACRO capaian_pct(t_low, t_high, r, formula) AS
    CASE WHEN r IS NULL OR capaian_target(t_low, t_high, r) IS NULL OR capaian_target(t_low, t_high, r) = 0 THEN NULL
         WHEN formula = 'negative_2t'
              THEN (2 * capaian_target(t_low, t_high, r) - r) / capaian_target(t_low, t_high, r) * 100
         WHEN formula = 'target_over_realisasi'
              THEN CASE WHEN r = 0 THEN NULL ELSE capaian_target(t_low, t_high, r) / r * 100 END
         ELSE r / capaian_target(t_low, t_high, r) * 100 END;

-- Many applications clamp capaian to 0..200 %; the clamped value is a separate column.
-- (greatest/least skip NULLs in DuckDB, so a missing capaian must stay NULL explicitly)
CREATE OR REPLACE MACRO capaian_clamped(c) AS CASE WHEN c IS NULL THEN NULL ELSE greatest(0, least(200, c)) END;

-- Category band from raw_capaian_bands (half-open intervals [lower_bound, next lower_bound)).
CREATE OR REPLACE MACRO capaian_band(c) AS
    (SELECT band FROM raw_capaian_bands WHERE c IS NOT NULL AND lower_bound <= c ORDER BY lower_bound DESC LIMIT 1);
