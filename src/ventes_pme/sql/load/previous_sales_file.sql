-- Le fichier des ventes du dernier import, et l'empreinte des produits et magasins valides avec
-- lesquels il a été vérifié.
--
-- The sales file of the latest import, and the keys of the valid products and
-- stores it was checked against: where an append-only re-import may resume.
SELECT
    f.import_id,
    f.bytes,
    f.sha256,
    f.encoding,
    f.delimiter,
    f.end_line,
    f.vanished,
    f.pending_references,
    (
        SELECT p.accepted_keys_sha256 FROM import_files AS p
        WHERE p.import_id = f.import_id AND p.source = 'produits'
    ) AS produits_keys_sha256,
    (
        SELECT m.accepted_keys_sha256 FROM import_files AS m
        WHERE m.import_id = f.import_id AND m.source = 'magasins'
    ) AS magasins_keys_sha256
FROM import_files AS f
WHERE f.source = 'ventes'
ORDER BY f.import_id DESC
LIMIT 1;
