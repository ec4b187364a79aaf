-- Les groupes de ventes identiques qu'une date compte en base, avec leur nombre : le rang des
-- lignes ajoutées de cette date en découle, sans une question par groupe.
--
-- The groups of identical sales the database holds for one date, with their
-- count (the occurrences of a group are 1 to its count). Asked the first time an
-- import sends sales of that date with relative occurrences: load/sales.py then ranks
-- each of them from these counts, instead of one question per group
-- (count_identical_sales.sql). A date holding more than :max_groups groups is
-- left to those questions: load/sales.py reads one row more than that at most.
-- ORDER BY the primary key's order: no sort.
SELECT
    product_id,
    store_id,
    quantity,
    count(*) AS stored
FROM sales
WHERE sale_date = :sale_date
GROUP BY product_id, store_id, quantity
ORDER BY product_id, store_id, quantity
LIMIT :max_groups + 1;
