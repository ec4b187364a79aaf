-- A rejected row, kept once: a re-run that meets it again only updates last_import_id.
INSERT INTO rejects (source, line_number, raw, code, reason, first_import_id, last_import_id)
VALUES (:source, :line_number, :raw, :code, :reason, :import_id, :import_id)
ON CONFLICT (source, line_number, raw) DO UPDATE SET
    code = excluded.code,
    reason = excluded.reason,
    last_import_id = excluded.last_import_id;
