-- Chiffre d'affaires par jour de la semaine
-- Du lundi au dimanche, sur la période choisie.
SELECT
    format_weekday(min(ventes_jours.sale_date)) AS jour,
    (cast(strftime('%w', ventes_jours.sale_date) AS INTEGER) + 6) % 7 AS ordre,
    sum(ventes_jours.sales_count) AS ventes,
    sum(ventes_jours.revenue_cents) AS chiffre_affaires_centimes,
    format_euros(sum(ventes_jours.revenue_cents)) AS chiffre_affaires
FROM bornes
INNER JOIN ventes_jours ON bornes.du <= ventes_jours.sale_date
GROUP BY ordre
ORDER BY ordre
