-- Les ventes retenues de la période, par produit et magasin.
--
-- Over the whole history, from the product x store aggregate; over a shorter period, from
-- the sales of that period only. The condition on bornes.tout selects one branch.
SELECT
    sales_by_product_store.product_id,
    sales_by_product_store.store_id,
    sales_by_product_store.sales_count,
    sales_by_product_store.quantity,
    sales_by_product_store.revenue_cents
FROM bornes
INNER JOIN sales_by_product_store ON bornes.tout
WHERE
    sales_by_product_store.store_id IN (
        SELECT magasins_choisis.store_id FROM magasins_choisis
    )
    AND sales_by_product_store.product_id IN (
        SELECT produits_choisis.product_id FROM produits_choisis
    )
UNION ALL
SELECT
    sales.product_id,
    sales.store_id,
    count(*) AS sales_count,
    sum(sales.quantity) AS quantity,
    sum(sales.quantity * sales.unit_price_cents) AS revenue_cents
FROM bornes
INNER JOIN sales ON NOT bornes.tout AND sales.sale_date BETWEEN bornes.du AND bornes.au
WHERE
    sales.store_id IN (SELECT magasins_choisis.store_id FROM magasins_choisis)
    AND sales.product_id IN (SELECT produits_choisis.product_id FROM produits_choisis)
GROUP BY sales.product_id, sales.store_id
