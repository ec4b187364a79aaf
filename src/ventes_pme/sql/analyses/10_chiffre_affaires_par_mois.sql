-- Revenue per calendar month: the trend over a long period.
INSERT INTO result_revenue_by_month (
    run_id, month, sales_count, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    substr(sales_by_day_store.sale_date, 1, 7) AS month,
    sum(sales_by_day_store.sales_count) AS sales_count,
    sum(sales_by_day_store.quantity) AS quantity,
    sum(sales_by_day_store.revenue_cents) AS revenue_cents
FROM sales_by_day_store
GROUP BY substr(sales_by_day_store.sale_date, 1, 7);
