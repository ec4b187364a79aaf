-- Les ventes retenues de la période et de la précédente, chaque ligne disant sa période.
--
-- Without a product filter, from the days of ventes_jours (the day x store aggregate); with
-- one, from ventes_mois (the product's whole months, then the days of the partial ones).
-- The constant conditions on :produit select one branch.
SELECT
    ventes_jours.sale_date < bornes.du AS avant,
    ventes_jours.sales_count,
    ventes_jours.revenue_cents
FROM bornes
INNER JOIN ventes_jours ON :produit = ''
UNION ALL
SELECT
    ventes_mois.avant,
    ventes_mois.sales_count,
    ventes_mois.revenue_cents
FROM ventes_mois
WHERE :produit != ''
