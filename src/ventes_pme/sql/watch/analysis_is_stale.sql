-- Si la dernière analyse manque une vente en base ou un changement de produit ou de magasin :
-- `ventes watch` relance alors les analyses.
--
-- 1 when the latest analysis misses a stored sale or a later change, else 0.
-- A cycle of `ventes watch` ends with an analysis that covers every stored sale and
-- the latest products and stores, even after imports made outside the watcher.
-- Sales are only ever added, so an equal count means the same sales.
WITH latest AS (
    SELECT
        a.sales_count,
        coalesce(a.last_import_id, 0) AS last_import_id
    FROM analysis_runs AS a
    ORDER BY a.run_id DESC
    LIMIT 1
)

SELECT
    NOT EXISTS (SELECT 1 FROM latest)
    OR (SELECT l.sales_count FROM latest AS l) != (SELECT count(*) FROM sales)
    OR EXISTS (
        SELECT 1
        FROM import_files AS f
        WHERE
            f.import_id > (SELECT l.last_import_id FROM latest AS l)
            AND (f.inserted > 0 OR f.updated > 0)
    ) AS stale;
