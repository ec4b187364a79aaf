-- Insert one sale known to be new, in file order (direct path of the import).
-- A sale is new by construction when the file is imported into an empty
-- sales table, or when it is a line appended since the previous import. Its
-- occurrence (one more than the identical sales before it, stored or earlier in
-- the file: the rule of insert_new_sales.sql) is counted by load.py as the
-- file is read, so no statement counts stored sales per line.
-- Parameters: ?1 date, ?2 product, ?3 store, ?4 quantity, ?5 occurrence,
-- ?6 the product's unit price now (when the sale is first imported),
-- ?7 the import.
INSERT INTO sales (
    sale_date, product_id, store_id, quantity, occurrence, unit_price_cents, import_id
)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT DO NOTHING;
