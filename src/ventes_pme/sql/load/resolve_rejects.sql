-- Après une lecture complète d'un fichier : ses lignes rejetées que l'import n'a plus rencontrées
-- ne sont plus des rejets (devenues valides, ou sorties du fichier) : elles sont marquées résolues.
--
-- After a full read of a file: its rejected lines this import did not meet
-- again are no longer rejected (valid now and imported, or gone from the file).
UPDATE rejects
SET resolved_import_id = :import_id
WHERE
    rejects.source = :source
    AND rejects.resolved_import_id IS NULL
    AND rejects.last_import_id < :import_id;
