"""Sample documents: a generator that renders realistic SOP forms from structured
content (samples/content/*.json) as born-digital PDFs and degraded scans/photos,
with ground truth (samples/truth/*.json). ``samples/inbox`` is the committed demo set."""
