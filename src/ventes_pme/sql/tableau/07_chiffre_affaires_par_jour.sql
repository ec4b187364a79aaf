-- Chiffre d'affaires par jour
-- Nombre de ventes et chiffre d'affaires de chaque jour, dans l'ordre du temps (dernière
-- analyse).
SELECT
    result_revenue_by_day.day AS jour,
    result_revenue_by_day.sales_count AS ventes,
    result_revenue_by_day.quantity AS quantite,
    replace(printf('%,d', result_revenue_by_day.revenue_cents / 100), ',', char(8239))
    || ',' || printf('%02d', result_revenue_by_day.revenue_cents % 100)
    || char(160) || '€' AS chiffre_affaires,
    result_revenue_by_day.revenue_cents AS chiffre_affaires_centimes
FROM result_revenue_by_day
INNER JOIN derniere_analyse ON result_revenue_by_day.run_id = derniere_analyse.analyse_id
ORDER BY result_revenue_by_day.day ASC;
