-- De nouvelles ventes ajoutées à une ligne de l'agrégat par produit et magasin.
--
-- New sales added to one row of the per product and store aggregate.
--
-- The sums of the sales an import inserts directly (first import, lines
-- appended since the previous one), computed as it inserts them
-- (migration 0002). Parameters: ?1 product, ?2 store, ?3 number of sales,
-- ?4 quantity, ?5 revenue in cents.
INSERT INTO sales_by_product_store (
    product_id, store_id, sales_count, quantity, revenue_cents
)
VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (product_id, store_id) DO UPDATE SET
    sales_count = sales_count + excluded.sales_count,
    quantity = quantity + excluded.quantity,
    revenue_cents = revenue_cents + excluded.revenue_cents;
