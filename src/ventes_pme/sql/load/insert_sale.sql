-- Insère une vente que l'on sait nouvelle, dans l'ordre du fichier (chemin direct de l'import).
--
-- Insert one sale known to be new, in file order (direct path of the import).
-- A sale is new by construction when the file is imported into an empty
-- sales table, or when it is a line appended since the previous import. Its
-- occurrence (one more than the identical sales before it, stored or earlier in
-- the file: the rule of insert_new_sales.sql) is counted by load/sales.py as the
-- file is read, so no statement counts stored sales per line.
-- Parameters: ?1 date, ?2 product, ?3 store, ?4 quantity, ?5 occurrence,
-- ?6 the product's unit price now (when the sale is first imported),
-- ?7 the import.
--
-- OR FAIL: a row SQLite refuses stops the statement without undoing the rows
-- it inserted before. Nothing needs that undo: any error aborts the whole
-- import, whose transaction is rolled back (db.transaction). With the default
-- (ABORT), SQLite keeps a statement journal for each multi-row INSERT (load/sales.py
-- sends 200 rows per statement), a copy of every page the statement changes,
-- written to a temporary file: at 1 M sales, 87 000 pages (360 MB) and 155 000
-- system calls. A sale already stored is still skipped (the upsert clause).
INSERT OR FAIL INTO sales (
    sale_date, product_id, store_id, quantity, occurrence, unit_price_cents, import_id
)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT DO NOTHING;
