-- Page context of a handwriting mark (extractors/records.MARK_CONTEXTS): why the whole-page
-- detector does not count it as a signature ('letterhead', 'note'); '' when nothing speaks against it.
ALTER TABLE raw_marks ADD COLUMN IF NOT EXISTS context VARCHAR DEFAULT '';
