-- Les lignes rejetées à un import : encore à corriger, ou résolues par un import suivant.
--
-- The rejected lines as of import :import_id: those still rejected then (seen by
-- that import or before, not resolved by it), and those an import up to it
-- resolved (the line became valid, or left the file).
SELECT
    coalesce(sum(
        r.first_import_id <= :import_id
        AND (r.resolved_import_id IS NULL OR r.resolved_import_id > :import_id)
    ), 0) AS still_rejected,
    coalesce(sum(r.resolved_import_id <= :import_id), 0) AS resolved
FROM rejects AS r;
