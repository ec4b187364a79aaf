-- Sales by city (the stores of one city added up).
INSERT INTO result_sales_by_city (run_id, city, region, quantity, revenue_cents)
SELECT
    :run_id AS run_id,
    min(store_regions.city) AS city,
    min(store_regions.region) AS region,
    sum(sales_by_day_store.quantity) AS quantity,
    sum(sales_by_day_store.revenue_cents) AS revenue_cents
FROM sales_by_day_store
INNER JOIN store_regions ON sales_by_day_store.store_id = store_regions.store_id
GROUP BY store_regions.city_key;
