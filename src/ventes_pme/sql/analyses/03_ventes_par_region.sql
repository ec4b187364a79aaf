-- Sales by French administrative region (through the city of each store).
INSERT INTO result_sales_by_region (run_id, region, quantity, revenue_cents)
SELECT
    :run_id AS run_id,
    store_regions.region,
    sum(sales_by_day_store.quantity) AS quantity,
    sum(sales_by_day_store.revenue_cents) AS revenue_cents
FROM sales_by_day_store
INNER JOIN store_regions ON sales_by_day_store.store_id = store_regions.store_id
GROUP BY store_regions.region;
