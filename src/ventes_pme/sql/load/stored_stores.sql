-- Les magasins en base, clé d'abord, puis ce qu'un fichier de magasins peut changer.
--
-- The stored stores, key first, then the attributes a stores file may change.
SELECT
    store_id,
    city,
    employees
FROM stores;
