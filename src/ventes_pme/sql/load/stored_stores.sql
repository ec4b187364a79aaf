-- The stored stores, key first, then the attributes a stores file may change.
SELECT
    store_id,
    city,
    employees
FROM stores;
