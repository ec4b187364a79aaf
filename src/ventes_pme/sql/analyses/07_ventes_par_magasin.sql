-- Sales per store, with the revenue per employee (NULL for a store without employee).
INSERT INTO result_sales_by_store (
    run_id, store_id, city, region, employees, quantity, revenue_cents,
    revenue_per_employee_cents
)
SELECT
    :run_id AS run_id,
    store_regions.store_id,
    store_regions.city,
    store_regions.region,
    store_regions.employees,
    coalesce(sum(sales_by_day_store.quantity), 0) AS quantity,
    coalesce(sum(sales_by_day_store.revenue_cents), 0) AS revenue_cents,
    CASE
        -- integer arithmetic, rounded half up to the cent
        WHEN store_regions.employees > 0
            THEN
                (2 * coalesce(sum(sales_by_day_store.revenue_cents), 0) + store_regions.employees)
                / (2 * store_regions.employees)
    END AS revenue_per_employee_cents
FROM store_regions
LEFT JOIN sales_by_day_store ON store_regions.store_id = sales_by_day_store.store_id
GROUP BY
    store_regions.store_id,
    store_regions.city,
    store_regions.region,
    store_regions.employees;
