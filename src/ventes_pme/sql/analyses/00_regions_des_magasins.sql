-- Base of every analysis: the region of each store.
--
-- The sales themselves are not read again: the analyses read the two
-- aggregates each import keeps up to date in its own transaction (migration
-- 0002), per day and store (sales_by_day_store) and per product and store
-- (sales_by_product_store), a few thousand rows whatever the number of sales.

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
