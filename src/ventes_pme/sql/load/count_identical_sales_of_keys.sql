-- Le nombre de ventes en base identiques à chacune d'une liste de lignes : une question pour
-- tout un lot de lignes ajoutées au lieu d'une par groupe.
--
-- How many stored sales are identical to each line of a list: :keys is a JSON
-- array of [date, product, store, quantity]; returns each line's position in
-- :keys and its count (its occurrence base). Asked once per message of the
-- reading for all its groups whose count load.py does not hold: one question
-- instead of one per group (count_identical_sales.sql), each a descent of the key.
SELECT
    asked.key AS position,
    (
        SELECT count(*) FROM sales AS s
        WHERE
            s.sale_date = json_extract(asked.value, '$[0]')
            AND s.product_id = json_extract(asked.value, '$[1]')
            AND s.store_id = json_extract(asked.value, '$[2]')
            AND s.quantity = json_extract(asked.value, '$[3]')
    ) AS stored
FROM json_each(:keys) AS asked;
