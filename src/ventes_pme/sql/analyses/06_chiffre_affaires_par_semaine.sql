-- Revenue per ISO week (weeks start on Monday; week 1 holds the first Thursday).
INSERT INTO result_revenue_by_week (
    run_id, iso_week, week_start, sales_count, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    strftime('%Y', date(weeks.week_start, '+3 days'))
    || '-S'
    || printf(
        '%02d',
        (cast(strftime('%j', date(weeks.week_start, '+3 days')) AS integer) - 1) / 7 + 1
    ) AS iso_week,
    weeks.week_start,
    sum(weeks.sales_count) AS sales_count,
    sum(weeks.quantity) AS quantity,
    sum(weeks.revenue_cents) AS revenue_cents
FROM (
    SELECT
        sales_by_day_store.sales_count,
        sales_by_day_store.quantity,
        sales_by_day_store.revenue_cents,
        date(
            sales_by_day_store.sale_date,
            '-'
            || ((cast(strftime('%w', sales_by_day_store.sale_date) AS integer) + 6) % 7)
            || ' days'
        ) AS week_start
    FROM sales_by_day_store
) AS weeks
GROUP BY weeks.week_start;
