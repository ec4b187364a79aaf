-- Ré-import des seules lignes ajoutées : les lignes rejetées au-dessus sont toujours là, vues aussi
-- par cet import.
--
-- Append-only re-import: the lines above the appended ones are exactly those of
-- the previous import, so its rejected lines are still there, seen by this
-- import too (what a full read of the same file would record).
UPDATE rejects
SET last_import_id = :import_id
WHERE
    rejects.source = :source
    AND rejects.resolved_import_id IS NULL;
