-- A target printed as a bound (≤ 4, < 5, ≥ 80 %, maks. 4, minimal 90): the direction, beside the
-- number in value. le | lt | ge | gt; NULL for a plain value and for rows loaded before this migration.
ALTER TABLE raw_measures ADD COLUMN IF NOT EXISTS comparator VARCHAR;
