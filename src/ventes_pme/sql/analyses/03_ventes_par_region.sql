-- Sales by French administrative region (through the city of each store).
INSERT INTO result_sales_by_region (run_id, region, quantity, revenue_cents)
SELECT
    :run_id AS run_id,
    store_regions.region,
    sum(store_day_sales.quantity) AS quantity,
    sum(store_day_sales.revenue_cents) AS revenue_cents
FROM store_day_sales
INNER JOIN store_regions ON store_day_sales.store_id = store_regions.store_id
GROUP BY store_regions.region;
