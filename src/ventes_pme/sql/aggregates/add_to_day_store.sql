-- De nouvelles ventes ajoutées à une ligne de l'agrégat par jour et magasin.
--
-- New sales added to one row of the per day and store aggregate.
--
-- The sums of the sales an import inserts directly (first import, lines
-- appended since the previous one), computed as it inserts them
-- (migration 0002). Parameters: ?1 date, ?2 store, ?3 number of sales,
-- ?4 quantity, ?5 revenue in cents.
INSERT INTO sales_by_day_store (
    sale_date, store_id, sales_count, quantity, revenue_cents
)
VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (sale_date, store_id) DO UPDATE SET
    sales_count = sales_count + excluded.sales_count,
    quantity = quantity + excluded.quantity,
    revenue_cents = revenue_cents + excluded.revenue_cents;
