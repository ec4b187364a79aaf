-- Product x region: which product sells where.
INSERT INTO result_product_by_region (
    run_id, product_id, product_name, region, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    products.product_id,
    products.name AS product_name,
    store_regions.region,
    sum(daily_sales.quantity) AS quantity,
    sum(daily_sales.revenue_cents) AS revenue_cents
FROM daily_sales
INNER JOIN products ON daily_sales.product_id = products.product_id
INNER JOIN store_regions ON daily_sales.store_id = store_regions.store_id
GROUP BY products.product_id, products.name, store_regions.region;
