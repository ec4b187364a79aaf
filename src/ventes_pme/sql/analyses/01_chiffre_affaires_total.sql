-- Total revenue: every sale, at the unit price it was sold at.
INSERT INTO result_total_revenue (run_id, sales_count, quantity, revenue_cents)
SELECT
    :run_id AS run_id,
    coalesce(sum(store_day_sales.sales_count), 0) AS sales_count,
    coalesce(sum(store_day_sales.quantity), 0) AS quantity,
    coalesce(sum(store_day_sales.revenue_cents), 0) AS revenue_cents
FROM store_day_sales;
