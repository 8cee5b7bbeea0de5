-- The library that read each page's words: 'pdfium' or 'pdfplumber' for a PDF text layer,
-- 'tesseract' for OCR (pipeline/models.PageResult.extractor). Pages loaded before this
-- migration were read by pdfplumber or Tesseract.
ALTER TABLE raw_pages ADD COLUMN IF NOT EXISTS extractor VARCHAR;
UPDATE raw_pages SET extractor = CASE WHEN text_source = 'text_layer' THEN 'pdfplumber' ELSE 'tesseract' END
WHERE extractor IS NULL;
