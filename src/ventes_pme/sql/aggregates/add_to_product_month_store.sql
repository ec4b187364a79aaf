-- De nouvelles ventes ajoutées à une ligne de l'agrégat par produit, mois et magasin.
--
-- New sales added to one row of the per product, month and store aggregate.
--
-- The sums of the sales an import inserts directly (first import, lines
-- appended since the previous one), computed as it inserts them
-- (migration 0010). Parameters: ?1 product, ?2 first day of the month,
-- ?3 store, ?4 number of sales, ?5 quantity, ?6 revenue in cents.
INSERT INTO sales_by_product_month_store (
    product_id, month_start, store_id, sales_count, quantity, revenue_cents
)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (product_id, month_start, store_id) DO UPDATE SET
    sales_count = sales_count + excluded.sales_count,
    quantity = quantity + excluded.quantity,
    revenue_cents = revenue_cents + excluded.revenue_cents;
