-- La date la plus récente des ventes en base : les lignes ajoutées d'une date postérieure n'ont
-- aucune vente identique en base.
--
-- The latest date of the stored sales (NULL when there is none).
--
-- Read when only the lines appended since the previous import are read: no
-- stored sale has a later date, so the reading counts the identical lines of
-- such a date exactly, from the first one it meets, without asking the
-- database (sales_reader.py). One step down the primary key.
SELECT max(sale_date) AS latest
FROM sales;
