-- Les ventes retenues de la période, par magasin.
--
-- Over a shorter period than the history without a product filter, from the days of the
-- period (ventes_jours: the day x store aggregate); otherwise from the products of the
-- period (ventes_produits: over the whole history the product x store aggregate, a few
-- rows per store; with a product chosen, its months from the product x month x store
-- aggregate and its partial months' sales), which reads no sale of the other products.
-- The conditions on :produit and bornes.tout select one branch.
SELECT
    ventes_jours.store_id,
    ventes_jours.sales_count,
    ventes_jours.revenue_cents
FROM bornes
INNER JOIN ventes_jours ON bornes.du <= ventes_jours.sale_date
WHERE :produit = '' AND NOT bornes.tout
UNION ALL
SELECT
    ventes_produits.store_id,
    ventes_produits.sales_count,
    ventes_produits.revenue_cents
FROM bornes
INNER JOIN ventes_produits ON :produit != '' OR bornes.tout
