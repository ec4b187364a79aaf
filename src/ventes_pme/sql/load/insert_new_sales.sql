-- Insère les ventes en transit que la base n'a pas encore (règle anti-doublon : contenu et rang).
--
-- Insert the staged sales the database does not hold yet.
--
-- The source has no sale identifier, so a sale is its content plus its rank
-- among identical lines ("occurrence"): the k-th identical line of the file is
-- occurrence k. Lines already imported hit the primary key and are skipped, so
-- the table holds exactly the multiset of lines of the file.
--
-- Used when the whole file is read again into a database that already holds
-- sales (lines appended to the end are inserted by insert_sale.sql instead).
-- The unit price is the product's price now, when the sale is first imported.
INSERT INTO sales (
    sale_date, product_id, store_id, quantity, occurrence, unit_price_cents, import_id
)
SELECT
    ranked.sale_date,
    ranked.product_id,
    ranked.store_id,
    ranked.quantity,
    ranked.rank_in_file AS occurrence,
    products.price_cents,
    :import_id AS import_id
FROM (
    SELECT
        stage_sales.sale_date,
        stage_sales.product_id,
        stage_sales.store_id,
        stage_sales.quantity,
        row_number() OVER (
            PARTITION BY
                stage_sales.sale_date,
                stage_sales.product_id,
                stage_sales.store_id,
                stage_sales.quantity
            ORDER BY stage_sales.line
        ) AS rank_in_file
    FROM stage_sales
) AS ranked
INNER JOIN products ON ranked.product_id = products.product_id
WHERE TRUE
ON CONFLICT DO NOTHING;
