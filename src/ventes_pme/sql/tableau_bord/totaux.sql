-- Chiffre d'affaires et nombre de ventes de la période choisie et de la précédente.
SELECT
    coalesce(sum(
        CASE WHEN ventes_jours.sale_date >= bornes.du THEN ventes_jours.revenue_cents END
    ), 0) AS ca,
    coalesce(sum(
        CASE WHEN ventes_jours.sale_date < bornes.du THEN ventes_jours.revenue_cents END
    ), 0) AS ca_avant,
    coalesce(sum(
        CASE WHEN ventes_jours.sale_date >= bornes.du THEN ventes_jours.sales_count END
    ), 0) AS ventes,
    coalesce(sum(
        CASE WHEN ventes_jours.sale_date < bornes.du THEN ventes_jours.sales_count END
    ), 0) AS ventes_avant
FROM bornes
LEFT JOIN ventes_jours ON 1 = 1
