-- Revenue per day: the trend in time.
INSERT INTO result_revenue_by_day (
    run_id, day, sales_count, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    sales_by_day_store.sale_date AS day,
    sum(sales_by_day_store.sales_count) AS sales_count,
    sum(sales_by_day_store.quantity) AS quantity,
    sum(sales_by_day_store.revenue_cents) AS revenue_cents
FROM sales_by_day_store
GROUP BY sales_by_day_store.sale_date;
