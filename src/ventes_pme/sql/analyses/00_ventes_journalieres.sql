-- Base of every analysis: the sales of each day, product and store, in one
-- pass over the sales table (its primary key is already in that order).
-- Revenue uses the unit price stored with each sale, in integer cents.
DROP TABLE IF EXISTS "temp".daily_sales;

CREATE TEMP TABLE daily_sales AS
SELECT
    sales.sale_date AS day,
    sales.product_id,
    sales.store_id,
    count(*) AS sales_count,
    sum(sales.quantity) AS quantity,
    sum(sales.quantity * sales.unit_price_cents) AS revenue_cents
FROM sales
GROUP BY sales.sale_date, sales.product_id, sales.store_id;

-- Each store with its region ("Région inconnue" when its city is not in the
-- reference table: such sales are shown, never dropped).
DROP TABLE IF EXISTS "temp".store_regions;

CREATE TEMP TABLE store_regions AS
SELECT
    stores.store_id,
    stores.city,
    stores.city_key,
    stores.employees,
    coalesce(city_regions.region, 'Région inconnue') AS region
FROM stores
LEFT JOIN city_regions ON stores.city_key = city_regions.city_key;

-- The two small aggregates every other analysis reads (a few thousand rows
-- whatever the number of sales): per day and store, per product and store.
DROP TABLE IF EXISTS "temp".store_day_sales;

CREATE TEMP TABLE store_day_sales AS
SELECT
    daily_sales.day,
    daily_sales.store_id,
    sum(daily_sales.sales_count) AS sales_count,
    sum(daily_sales.quantity) AS quantity,
    sum(daily_sales.revenue_cents) AS revenue_cents
FROM daily_sales
GROUP BY daily_sales.day, daily_sales.store_id;

DROP TABLE IF EXISTS "temp".product_store_sales;

CREATE TEMP TABLE product_store_sales AS
SELECT
    daily_sales.product_id,
    daily_sales.store_id,
    sum(daily_sales.sales_count) AS sales_count,
    sum(daily_sales.quantity) AS quantity,
    sum(daily_sales.revenue_cents) AS revenue_cents
FROM daily_sales
GROUP BY daily_sales.product_id, daily_sales.store_id;
