-- Chiffre d'affaires et nombre de ventes de la période choisie et de la précédente.
SELECT
    coalesce(sum(
        CASE WHEN NOT ventes_periodes.avant THEN ventes_periodes.revenue_cents END
    ), 0) AS ca,
    coalesce(sum(
        CASE WHEN ventes_periodes.avant THEN ventes_periodes.revenue_cents END
    ), 0) AS ca_avant,
    coalesce(sum(
        CASE WHEN NOT ventes_periodes.avant THEN ventes_periodes.sales_count END
    ), 0) AS ventes,
    coalesce(sum(
        CASE WHEN ventes_periodes.avant THEN ventes_periodes.sales_count END
    ), 0) AS ventes_avant
FROM ventes_periodes
