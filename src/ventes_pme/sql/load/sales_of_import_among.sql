-- Parmi des ventes données par leur clé, celles qu'un import a enregistrées (après une relecture
-- complète, pour n'ajouter aux agrégats que les ventes qu'elle a insérées).
--
-- Of a list of sales given by their key (:sales, a JSON array of [date,
-- product, store, quantity, occurrence]), the positions of those stored by
-- import :import_id. A full re-read inserts only the lines the database lacked
-- (ON CONFLICT DO NOTHING): load.py asks this once for the sales of the
-- INSERTs that inserted some, to sum exactly those into the aggregates (a scan
-- of the whole table by import would cost more), one descent of the key each.
SELECT asked.key AS position
FROM json_each(:sales) AS asked
WHERE EXISTS (
    SELECT 1 FROM sales AS s
    WHERE
        s.sale_date = json_extract(asked.value, '$[0]')
        AND s.product_id = json_extract(asked.value, '$[1]')
        AND s.store_id = json_extract(asked.value, '$[2]')
        AND s.quantity = json_extract(asked.value, '$[3]')
        AND s.occurrence = json_extract(asked.value, '$[4]')
        AND s.import_id = :import_id
);
