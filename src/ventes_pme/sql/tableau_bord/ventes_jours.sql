-- Les ventes retenues, par jour et magasin, de la période précédente à la fin de la période
-- (de la période seule quand un produit est choisi).
--
-- Without a product filter, from the day x store aggregate (a few rows per day whatever
-- the number of sales); with one, from the sales of the chosen period only (the sales'
-- primary key starts with the date): the charts that read the previous period too read
-- ventes_mois then. The constant condition on :produit selects one branch.
SELECT
    sales_by_day_store.sale_date,
    sales_by_day_store.store_id,
    sales_by_day_store.sales_count,
    sales_by_day_store.quantity,
    sales_by_day_store.revenue_cents
FROM bornes
INNER JOIN sales_by_day_store
    ON sales_by_day_store.sale_date BETWEEN bornes.avant_du AND bornes.au
WHERE
    :produit = ''
    AND sales_by_day_store.store_id IN (SELECT magasins_choisis.store_id FROM magasins_choisis)
UNION ALL
SELECT
    sales.sale_date,
    sales.store_id,
    count(*) AS sales_count,
    sum(sales.quantity) AS quantity,
    sum(sales.quantity * sales.unit_price_cents) AS revenue_cents
FROM bornes
INNER JOIN sales ON sales.sale_date BETWEEN bornes.du AND bornes.au
WHERE
    :produit != ''
    -- compared with the bounds first (computed once): looking each sale up in the list
    -- costs twice as much over millions of sales, of which most are another product's
    AND sales.product_id BETWEEN (
        SELECT min(produits_choisis.product_id) FROM produits_choisis
    ) AND (SELECT max(produits_choisis.product_id) FROM produits_choisis)
    AND sales.product_id IN (SELECT produits_choisis.product_id FROM produits_choisis)
    AND sales.store_id IN (SELECT magasins_choisis.store_id FROM magasins_choisis)
GROUP BY sales.sale_date, sales.store_id
