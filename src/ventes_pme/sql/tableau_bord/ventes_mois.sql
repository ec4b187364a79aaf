-- Les ventes retenues de la période et de la précédente, par mois entier et par jour des mois
-- entamés.
--
-- For the figures that need no day: each whole month (bornes.mois_du, bornes.avant_mois_du
-- ...) from the product x month x store aggregate, dated by its first day; the other days
-- of the two periods from the sales of those days only (ranges of the sales' key). avant
-- tells the previous period's rows. Read when a product is chosen: without one, the day x
-- store aggregate is smaller (ventes_jours).
SELECT
    0 AS avant,
    sales_by_product_month_store.month_start AS jour,
    sales_by_product_month_store.sales_count,
    sales_by_product_month_store.revenue_cents
FROM bornes
INNER JOIN sales_by_product_month_store
    ON
        bornes.mois_du <= sales_by_product_month_store.month_start
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
    1 AS avant,
    sales_by_product_month_store.month_start AS jour,
    sales_by_product_month_store.sales_count,
    sales_by_product_month_store.revenue_cents
FROM bornes
INNER JOIN sales_by_product_month_store
    ON
        bornes.avant_mois_du <= sales_by_product_month_store.month_start
        AND bornes.avant_mois_fin > sales_by_product_month_store.month_start
WHERE
    sales_by_product_month_store.store_id IN (
        SELECT magasins_choisis.store_id FROM magasins_choisis
    )
    AND sales_by_product_month_store.product_id IN (
        SELECT produits_choisis.product_id FROM produits_choisis
    )
UNION ALL
SELECT
    sales.sale_date < bornes.du AS avant,
    sales.sale_date AS jour,
    count(*) AS sales_count,
    sum(sales.quantity * sales.unit_price_cents) AS revenue_cents
FROM bornes
INNER JOIN sales
    ON
        sales.sale_date BETWEEN bornes.du AND bornes.bord_au
        OR sales.sale_date BETWEEN bornes.bord_du AND bornes.au
        OR sales.sale_date BETWEEN bornes.avant_du AND bornes.avant_bord_au
        OR sales.sale_date BETWEEN bornes.avant_bord_du AND bornes.avant_au
WHERE
    -- the chosen products' bounds first (as in ventes_jours)
    sales.product_id BETWEEN (
        SELECT min(produits_choisis.product_id) FROM produits_choisis
    ) AND (SELECT max(produits_choisis.product_id) FROM produits_choisis)
    AND sales.product_id IN (SELECT produits_choisis.product_id FROM produits_choisis)
    AND sales.store_id IN (SELECT magasins_choisis.store_id FROM magasins_choisis)
GROUP BY sales.sale_date
