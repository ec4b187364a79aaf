-- Un produit du fichier : inséré s'il est nouveau, mis à jour sinon.
--
-- A product of the products file: inserted if new, its attributes updated otherwise.
-- Past sales keep their own unit price (sales.unit_price_cents). A blank or
-- invalid stock (:stock NULL) keeps the product and the stored stock (0 for a
-- new product), and records the problem (:stock_problem).
INSERT INTO products (
    product_id, name, price_cents, stock, stock_problem, first_import_id, last_import_id
)
VALUES (
    :product_id,
    :name,
    :price_cents,
    coalesce(:stock, 0),
    :stock_problem,
    :import_id,
    :import_id
)
ON CONFLICT (product_id) DO UPDATE SET
    name = excluded.name,
    price_cents = excluded.price_cents,
    stock = coalesce(:stock, products.stock),
    stock_problem = excluded.stock_problem,
    last_import_id = excluded.last_import_id;
