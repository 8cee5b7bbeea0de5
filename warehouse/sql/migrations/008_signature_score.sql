-- Probability (0..1) that a handwriting mark is a signature, from the whole-page signature model
-- (extractors/signature_model.py, fitted by python -m bench.train_signatures). NULL for stamps and
-- for marks loaded before this migration, which rpt_page_signatures judges by the hand-set rule
-- they were found with (confidence 0.75 or more).
ALTER TABLE raw_marks ADD COLUMN IF NOT EXISTS signature_score DOUBLE;
