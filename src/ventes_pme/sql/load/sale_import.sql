-- L'import qui a enregistré une vente, retrouvée par sa clé (après une relecture complète, pour
-- n'ajouter aux agrégats que les ventes insérées).
--
-- The import that stored a sale, found by its key. A full re-read inserts only
-- the lines the database lacked (ON CONFLICT DO NOTHING): load/sales.py asks this of
-- the sales of a batch that inserted some, to sum exactly those into the
-- aggregates (a scan of the whole table by import would cost more).
SELECT import_id FROM sales
WHERE
    sale_date = :sale_date
    AND product_id = :product_id
    AND store_id = :store_id
    AND quantity = :quantity
    AND occurrence = :occurrence;
