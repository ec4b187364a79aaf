-- Sales by French administrative region (through the city of each store).
INSERT INTO result_sales_by_region (run_id, region, quantity, revenue_cents)
SELECT
    :run_id AS run_id,
    store_regions.region,
    sum(daily_sales.quantity) AS quantity,
    sum(daily_sales.revenue_cents) AS revenue_cents
FROM daily_sales
INNER JOIN store_regions ON daily_sales.store_id = store_regions.store_id
GROUP BY store_regions.region;
