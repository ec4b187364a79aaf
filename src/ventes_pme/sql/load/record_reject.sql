-- Une ligne rejetée, gardée une seule fois : son contenu et son rang parmi les lignes rejetées
-- identiques.
--
-- A rejected line, kept once: its content and its rank among identical rejected
-- lines identify it. A re-run that meets it again updates where it was seen
-- (and it is no longer resolved, if it had been).
INSERT INTO rejects (
    source, raw, occurrence, line_number, code, reason, first_import_id, last_import_id
)
VALUES (
    :source, :raw, :occurrence, :line_number, :code, :reason, :import_id, :import_id
)
ON CONFLICT (source, raw, occurrence) DO UPDATE SET
    line_number = excluded.line_number,
    code = excluded.code,
    reason = excluded.reason,
    last_import_id = excluded.last_import_id,
    resolved_import_id = NULL;
