-- Insert one sale known to be new, in file order (direct path of the import).
-- A sale is new by construction when the file is imported into an empty
-- sales table, or when it is a line appended since the previous import. Lines
-- are inserted in file order, so its occurrence is one more than the identical
-- sales already stored: its rank among identical lines of the file, the rule
-- of insert_new_sales.sql, in one pass, without staging nor sorting.
-- Parameters: ?1 date, ?2 product, ?3 store, ?4 quantity, ?5 the product's
-- unit price now (when the sale is first imported), ?6 the import.
INSERT INTO sales (
    sale_date, product_id, store_id, quantity, occurrence, unit_price_cents, import_id
)
VALUES (
    ?1,
    ?2,
    ?3,
    ?4,
    1 + (
        SELECT count(*) FROM sales AS stored
        WHERE
            stored.sale_date = ?1
            AND stored.product_id = ?2
            AND stored.store_id = ?3
            AND stored.quantity = ?4
    ),
    ?5,
    ?6
)
ON CONFLICT DO NOTHING;
