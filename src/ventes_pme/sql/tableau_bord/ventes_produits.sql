-- Les ventes retenues de la période, par produit et magasin.
--
-- Over the whole history, from the product x store aggregate. Over a shorter period, its
-- whole months from the product x month x store aggregate, and its other days (the partial
-- first and last months) from the sales of those days only (the sales' primary key starts
-- with the date). The condition on bornes.tout selects the branches. A product and store can
-- come in several rows: the charts sum them.
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
    sales_by_product_month_store.product_id,
    sales_by_product_month_store.store_id,
    sales_by_product_month_store.sales_count,
    sales_by_product_month_store.quantity,
    sales_by_product_month_store.revenue_cents
FROM bornes
INNER JOIN sales_by_product_month_store
    ON
        NOT bornes.tout
        AND bornes.mois_du <= sales_by_product_month_store.month_start
        AND bornes.mois_fin > sales_by_product_month_store.month_start
WHERE
    sales_by_product_month_store.store_id IN (
        SELECT magasins_choisis.store_id FROM magasins_choisis
    )
    AND sales_by_product_month_store.product_id IN (
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
INNER JOIN sales
    ON
        NOT bornes.tout
        AND (
            sales.sale_date BETWEEN bornes.du AND bornes.bord_au
            OR sales.sale_date BETWEEN bornes.bord_du AND bornes.au
        )
WHERE
    -- the chosen products' bounds first (as in ventes_jours)
    sales.product_id BETWEEN (
        SELECT min(produits_choisis.product_id) FROM produits_choisis
    ) AND (SELECT max(produits_choisis.product_id) FROM produits_choisis)
    AND sales.product_id IN (SELECT produits_choisis.product_id FROM produits_choisis)
    AND sales.store_id IN (SELECT magasins_choisis.store_id FROM magasins_choisis)
GROUP BY sales.product_id, sales.store_id
