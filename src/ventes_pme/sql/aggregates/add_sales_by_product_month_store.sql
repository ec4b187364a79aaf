-- Les ventes d'un import, ajoutées à l'agrégat par produit, mois et magasin.
--
-- The sales of one import, summed into the per product, month and store
-- aggregate.
--
-- From the sales table, in one statement (migration 0010): the sales of
-- import :import_id, or every sale when :import_id is NULL (to rebuild the
-- aggregate after emptying it). Used after a full re-read of the file, which
-- reads the whole file anyway.
INSERT INTO sales_by_product_month_store (
    product_id, month_start, store_id, sales_count, quantity, revenue_cents
)
SELECT
    sales.product_id,
    substr(sales.sale_date, 1, 8) || '01' AS month_start,
    sales.store_id,
    count(*) AS sales_count,
    sum(sales.quantity) AS quantity,
    sum(sales.quantity * sales.unit_price_cents) AS revenue_cents
FROM sales
WHERE :import_id IS NULL OR sales.import_id = :import_id
GROUP BY sales.product_id, month_start, sales.store_id
ON CONFLICT (product_id, month_start, store_id) DO UPDATE SET
    sales_count = sales_count + excluded.sales_count,
    quantity = quantity + excluded.quantity,
    revenue_cents = revenue_cents + excluded.revenue_cents;
