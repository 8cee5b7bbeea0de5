-- Signature reports (issue 5).

CREATE OR REPLACE VIEW rpt_signatures AS
SELECT d.original_name, d.doc_type, d.year, s.document_id, s.role, s.jabatan, s.nama, s.pangkat, s.nip, s.nip_status,
       s.nip_reasons, s.pages,
       CASE WHEN s.signed IS NULL THEN 'belum diperiksa' WHEN s.signed THEN 'ditandatangani'
            ELSE 'belum ditandatangani' END                                AS tanda_tangan,
       s.signed, s.signed_confidence, s.unsigned_pages, s.pasted,
       CASE WHEN s.stamp IS NULL THEN 'belum diperiksa' WHEN s.stamp THEN 'ada'
            WHEN s.stamp_required THEN 'tidak ada (wajib)' ELSE 'tidak ada' END AS cap,
       s.stamp, s.stamp_required, s.paraf, s.name_consistent, s.name_variants, s.flags,
       s.page_no, s.x0, s.y0, s.x1, s.y1
FROM fct_signatures s JOIN dim_documents d USING (document_id);
COMMENT ON VIEW rpt_signatures IS 'Who must sign each document (role, jabatan, printed name, pangkat, NIP and whether it is valid), whether they signed on every page that carries their block (pasted signature images count and are marked), whether the stamp is there (and required), whether a paraf was found, and whether the printed name is the same on every page.';

CREATE OR REPLACE VIEW rpt_missing_signatures AS
SELECT original_name, doc_type, year, document_id, role, jabatan, nama, nip,
       concat_ws('; ',
           CASE WHEN signed = false THEN 'belum ditandatangani'
                || CASE WHEN len(pages) > 1 THEN ' (halaman ' || array_to_string(unsigned_pages, ', ') || ')' ELSE '' END END,
           CASE WHEN stamp_required AND stamp = false THEN 'cap dinas tidak ada' END,
           CASE WHEN role = 'paraf' AND paraf = false THEN 'paraf tidak ada' END,
           CASE WHEN nip_status = 'invalid' THEN 'NIP tidak sah: ' || array_to_string(nip_reasons, '; ') END,
           CASE WHEN nip_status = 'flag' THEN 'NIP perlu diperiksa: ' || array_to_string(nip_reasons, '; ') END,
           CASE WHEN NOT name_consistent THEN 'nama tercetak berbeda: ' || array_to_string(name_variants, ' / ') END
       ) AS masalah,
       page_no
FROM rpt_signatures
WHERE signed = false OR (stamp_required AND stamp = false) OR (role = 'paraf' AND paraf = false)
   OR nip_status IN ('invalid', 'flag') OR NOT name_consistent;
COMMENT ON VIEW rpt_missing_signatures IS 'Which documents lack a required signature, stamp or paraf (a row of a Paraf column left empty), print an invalid NIP or one to check (a PPPK number, digits read unsurely by OCR), or print a signer''s name differently on different pages; one row per signatory with the problem in words (Indonesian).';

CREATE OR REPLACE VIEW rpt_page_signatures AS
SELECT d.original_name, m.document_id, m.page_no, m.kind, m.confidence, m.signature_score, m.colour, m.pasted,
       m.context, m.x0, m.y0, m.x1, m.y1
FROM stg_marks m JOIN dim_documents d USING (document_id)
-- 0.15: extractors.ink.PAGE_SIGNATURE_MIN_SCORE; marks loaded before the model (no score) keep the rule they were found with
WHERE m.kind <> 'signature' OR (m.context = '' AND COALESCE(m.signature_score >= 0.15, m.confidence >= 0.75));
COMMENT ON VIEW rpt_page_signatures IS 'Every handwritten signature, paraf and stamp found on each page without using the layout (whole-page detector: signatures whose signature_score from the signature model is 0.15 or more, not in the letterhead band and not a line of a handwritten note), for documents whose signature blocks are not recognised.';
