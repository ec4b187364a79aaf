-- Les comptes du profil enregistrés par l'import précédent, d'où reprend le profil quand l'import
-- ne lit que les lignes ajoutées au fichier des ventes.
--
-- The counts the streaming pass over the sales file saved, to resume after an append.
-- Used when the import reads only the lines appended since the previous import, from
-- byte :bytes (the size of the file that import read): valid only if those counts are
-- that import's, taken over exactly those bytes.
SELECT
    state.bytes,
    state.state
FROM profile_scan_state AS state
WHERE
    state.source = 'ventes'
    AND state.bytes = :bytes
    AND state.import_id = (
        SELECT max(previous_file.import_id) FROM import_files AS previous_file
        WHERE previous_file.source = 'ventes'
    );
