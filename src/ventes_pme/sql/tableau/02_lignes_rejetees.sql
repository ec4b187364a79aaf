-- Lignes rejetées
-- Les lignes des fichiers refusées par la vérification, avec leur motif, des plus récentes
-- aux plus anciennes.
SELECT
    rejects.source AS fichier,
    rejects.line_number AS ligne,
    rejects.raw AS contenu,
    rejects.reason AS motif,
    rejects.last_import_id AS vue_au_dernier_import
FROM rejects
ORDER BY rejects.last_import_id DESC, rejects.source ASC, rejects.line_number ASC;
