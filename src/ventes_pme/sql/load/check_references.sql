-- Les références écrites par l'import (produit et magasin de chaque vente, via les agrégats ; les
-- autres tables via PRAGMA foreign_key_check), vérifiées une fois avant le COMMIT.
--
-- The references the import wrote, checked once at its end, inside its transaction.
-- The import writes with foreign_keys off (load/__init__.py): looking up the product, the
-- store and the import of each sale as it is inserted costs a third of the insert,
-- while the import only writes references it has checked itself (the products and
-- stores of the same files, the import in progress). This query proves it before
-- COMMIT; any row it returns makes the import fail and roll back:
-- - the (product, store) of every sale, through the aggregates that mirror the
--   sales exactly (aggregates.py), a few thousand rows instead of millions;
-- - every row of the other tables an import writes (PRAGMA foreign_key_check).
SELECT
    'sales' AS child_table,
    agg.product_id || ' / ' || agg.store_id AS reference
FROM sales_by_product_store AS agg
WHERE
    NOT EXISTS (
        SELECT 1 FROM products
        WHERE products.product_id = agg.product_id
    )
    OR NOT EXISTS (
        SELECT 1 FROM stores
        WHERE stores.store_id = agg.store_id
    )
UNION ALL
SELECT
    written.name AS child_table,
    problem.parent || ' ' || problem.rowid AS reference
FROM sqlite_schema AS written,
    pragma_foreign_key_check(written.name) AS problem
WHERE
    written.type = 'table'
    AND written.name IN (
        'import_runs', 'import_files', 'products', 'stores', 'rejects',
        'profile_files', 'profile_columns', 'profile_values', 'profile_scan_state'
    );
