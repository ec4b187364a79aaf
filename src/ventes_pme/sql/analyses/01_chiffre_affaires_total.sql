-- Total revenue: every sale, at the unit price it was sold at.
INSERT INTO result_total_revenue (run_id, sales_count, quantity, revenue_cents)
SELECT
    :run_id AS run_id,
    coalesce(sum(sales_by_day_store.sales_count), 0) AS sales_count,
    coalesce(sum(sales_by_day_store.quantity), 0) AS quantity,
    coalesce(sum(sales_by_day_store.revenue_cents), 0) AS revenue_cents
FROM sales_by_day_store;
