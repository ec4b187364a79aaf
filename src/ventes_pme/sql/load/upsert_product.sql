-- A product of the products file: inserted if new, its attributes updated otherwise.
-- Past sales keep their own unit price (sales.unit_price_cents).
INSERT INTO products (product_id, name, price_cents, stock, first_import_id, last_import_id)
VALUES (:product_id, :name, :price_cents, :stock, :import_id, :import_id)
ON CONFLICT (product_id) DO UPDATE SET
    name = excluded.name,
    price_cents = excluded.price_cents,
    stock = excluded.stock,
    last_import_id = excluded.last_import_id;
