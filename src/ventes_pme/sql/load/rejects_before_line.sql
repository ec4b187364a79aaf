-- Les lignes rejetées identiques déjà enregistrées au-dessus d'une ligne : d'où reprend leur rang.
--
-- Identical rejected lines stored above :first_line: where the ranks of the lines
-- appended since the previous import start (append-only re-import). Only the
-- lines still rejected count: those of the previous import's file (a resolved
-- one left it, or became valid).
SELECT count(*) AS stored
FROM rejects
WHERE
    rejects.source = :source
    AND rejects.raw = :raw
    AND rejects.line_number < :first_line
    AND rejects.resolved_import_id IS NULL;
