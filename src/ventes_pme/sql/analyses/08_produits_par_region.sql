-- Product x region: which product sells where.
INSERT INTO result_product_by_region (
    run_id, product_id, product_name, region, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    products.product_id,
    products.name AS product_name,
    store_regions.region,
    sum(sales_by_product_store.quantity) AS quantity,
    sum(sales_by_product_store.revenue_cents) AS revenue_cents
FROM sales_by_product_store
INNER JOIN products ON sales_by_product_store.product_id = products.product_id
INNER JOIN store_regions ON sales_by_product_store.store_id = store_regions.store_id
GROUP BY products.product_id, products.name, store_regions.region;
