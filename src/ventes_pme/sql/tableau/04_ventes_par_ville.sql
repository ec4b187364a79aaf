-- Ventes par ville
-- Quantité vendue et chiffre d'affaires de chaque ville, avec sa région (dernière analyse).
SELECT
    result_sales_by_city.city AS ville,
    result_sales_by_city.region,
    result_sales_by_city.quantity AS quantite,
    replace(printf('%,d', result_sales_by_city.revenue_cents / 100), ',', char(8239))
    || ',' || printf('%02d', result_sales_by_city.revenue_cents % 100)
    || char(160) || '€' AS chiffre_affaires,
    result_sales_by_city.revenue_cents AS chiffre_affaires_centimes
FROM result_sales_by_city
INNER JOIN derniere_analyse ON result_sales_by_city.run_id = derniere_analyse.analyse_id
ORDER BY result_sales_by_city.revenue_cents DESC, result_sales_by_city.city ASC;
