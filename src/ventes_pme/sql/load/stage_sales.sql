-- Les lignes valides du fichier des ventes en cours d'import, dans l'ordre du fichier.
--
-- The valid lines of the sales file being imported, in file order.
CREATE TEMP TABLE IF NOT EXISTS stage_sales (
    line INTEGER PRIMARY KEY,
    sale_date TEXT NOT NULL,
    product_id TEXT NOT NULL,
    store_id INTEGER NOT NULL,
    quantity INTEGER NOT NULL
);
