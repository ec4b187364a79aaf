-- Lignes rejetées
-- Les lignes des fichiers refusées par la vérification, avec leur motif : d'abord celles encore
-- à corriger, puis celles qu'un import suivant a résolues (la ligne est devenue valide, ou a
-- quitté le fichier), des plus récentes aux plus anciennes.
SELECT
    rejects.source AS fichier,
    rejects.line_number AS ligne,
    rejects.raw AS contenu,
    rejects.reason AS motif,
    CASE
        WHEN rejects.resolved_import_id IS NULL THEN 'à corriger'
        ELSE 'résolue'
    END AS etat,
    rejects.resolved_import_id AS resolue_a_l_import,
    rejects.last_import_id AS vue_au_dernier_import
FROM rejects
ORDER BY
    rejects.resolved_import_id IS NOT NULL ASC,
    rejects.last_import_id DESC,
    rejects.source ASC,
    rejects.line_number ASC;
