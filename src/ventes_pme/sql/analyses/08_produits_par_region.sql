-- Product x region: which product sells where.
INSERT INTO result_product_by_region (
    run_id, product_id, product_name, region, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    products.product_id,
    products.name AS product_name,
    store_regions.region,
    sum(product_store_sales.quantity) AS quantity,
    sum(product_store_sales.revenue_cents) AS revenue_cents
FROM product_store_sales
INNER JOIN products ON product_store_sales.product_id = products.product_id
INNER JOIN store_regions ON product_store_sales.store_id = store_regions.store_id
GROUP BY products.product_id, products.name, store_regions.region;
