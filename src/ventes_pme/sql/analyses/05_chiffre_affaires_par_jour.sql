-- Revenue per day: the trend in time.
INSERT INTO result_revenue_by_day (
    run_id, day, sales_count, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    store_day_sales.day,
    sum(store_day_sales.sales_count) AS sales_count,
    sum(store_day_sales.quantity) AS quantity,
    sum(store_day_sales.revenue_cents) AS revenue_cents
FROM store_day_sales
GROUP BY store_day_sales.day;
