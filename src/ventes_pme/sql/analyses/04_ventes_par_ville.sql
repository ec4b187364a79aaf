-- Sales by city (the stores of one city added up).
INSERT INTO result_sales_by_city (run_id, city, region, quantity, revenue_cents)
SELECT
    :run_id AS run_id,
    min(store_regions.city) AS city,
    min(store_regions.region) AS region,
    sum(store_day_sales.quantity) AS quantity,
    sum(store_day_sales.revenue_cents) AS revenue_cents
FROM store_day_sales
INNER JOIN store_regions ON store_day_sales.store_id = store_regions.store_id
GROUP BY store_regions.city_key;
