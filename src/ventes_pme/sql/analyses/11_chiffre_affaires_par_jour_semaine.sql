-- Ventes par jour de la semaine (du lundi au dimanche) : les jours forts du commerce.
INSERT INTO result_revenue_by_weekday (
    run_id, weekday, day_name, sales_count, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    (cast(strftime('%w', sales_by_day_store.sale_date) AS INTEGER) + 6) % 7 + 1 AS weekday,
    format_weekday(min(sales_by_day_store.sale_date)) AS day_name,
    sum(sales_by_day_store.sales_count) AS sales_count,
    sum(sales_by_day_store.quantity) AS quantity,
    sum(sales_by_day_store.revenue_cents) AS revenue_cents
FROM sales_by_day_store
GROUP BY strftime('%w', sales_by_day_store.sale_date);
