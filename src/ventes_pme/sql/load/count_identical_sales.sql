-- Le nombre de ventes en base identiques à une ligne (son rang, la règle anti-doublon, en découle).
--
-- How many stored sales are identical to one line (its occurrence is one more):
-- asked once per group of identical lines whose count load/sales.py does not hold.
SELECT count(*) FROM sales
WHERE
    sale_date = :sale_date
    AND product_id = :product_id
    AND store_id = :store_id
    AND quantity = :quantity;
