-- Revenue per day: the trend in time.
INSERT INTO result_revenue_by_day (
    run_id, day, sales_count, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    daily_sales.day,
    sum(daily_sales.sales_count) AS sales_count,
    sum(daily_sales.quantity) AS quantity,
    sum(daily_sales.revenue_cents) AS revenue_cents
FROM daily_sales
GROUP BY daily_sales.day;
