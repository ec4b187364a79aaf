-- Average basket per store: revenue divided by the number of sales (NULL without sale).
INSERT INTO result_average_basket_by_store (
    run_id, store_id, city, sales_count, revenue_cents, average_basket_cents
)
SELECT
    :run_id AS run_id,
    store_regions.store_id,
    store_regions.city,
    coalesce(sum(sales_by_day_store.sales_count), 0) AS sales_count,
    coalesce(sum(sales_by_day_store.revenue_cents), 0) AS revenue_cents,
    CASE
        -- integer arithmetic, rounded half up to the cent
        WHEN sum(sales_by_day_store.sales_count) > 0
            THEN
                (2 * sum(sales_by_day_store.revenue_cents) + sum(sales_by_day_store.sales_count))
                / (2 * sum(sales_by_day_store.sales_count))
    END AS average_basket_cents
FROM store_regions
LEFT JOIN sales_by_day_store ON store_regions.store_id = sales_by_day_store.store_id
GROUP BY store_regions.store_id, store_regions.city;
