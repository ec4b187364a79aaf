-- Les ventes retenues de la période, par magasin.
--
-- Without a product filter, from the days of the period (ventes_jours: the day x store
-- aggregate); with one, from the products of the period (ventes_produits: the product x
-- month x store aggregate and the partial months' sales), which reads no sale of the other
-- products. The constant condition on :produit selects one branch.
SELECT
    ventes_jours.store_id,
    ventes_jours.sales_count,
    ventes_jours.revenue_cents
FROM bornes
INNER JOIN ventes_jours ON bornes.du <= ventes_jours.sale_date
WHERE :produit = ''
UNION ALL
SELECT
    ventes_produits.store_id,
    ventes_produits.sales_count,
    ventes_produits.revenue_cents
FROM ventes_produits
WHERE :produit != ''
