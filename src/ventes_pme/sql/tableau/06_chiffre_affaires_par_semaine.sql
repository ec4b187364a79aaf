-- Chiffre d'affaires par semaine
-- Nombre de ventes et chiffre d'affaires de chaque semaine ISO, dans l'ordre du temps
-- (dernière analyse).
SELECT
    result_revenue_by_week.iso_week AS semaine,
    result_revenue_by_week.week_start AS lundi,
    result_revenue_by_week.sales_count AS ventes,
    result_revenue_by_week.quantity AS quantite,
    replace(printf('%,d', result_revenue_by_week.revenue_cents / 100), ',', char(8239))
    || ',' || printf('%02d', result_revenue_by_week.revenue_cents % 100)
    || char(160) || '€' AS chiffre_affaires,
    result_revenue_by_week.revenue_cents AS chiffre_affaires_centimes
FROM result_revenue_by_week
INNER JOIN derniere_analyse ON result_revenue_by_week.run_id = derniere_analyse.analyse_id
ORDER BY result_revenue_by_week.iso_week ASC;
