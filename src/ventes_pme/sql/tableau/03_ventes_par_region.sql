-- Ventes par région
-- Quantité vendue, chiffre d'affaires et part du total de chaque région administrative
-- (dernière analyse).
WITH latest AS (
    SELECT result_sales_by_region.*
    FROM result_sales_by_region
    INNER JOIN derniere_analyse ON result_sales_by_region.run_id = derniere_analyse.analyse_id
),

total AS (SELECT max(sum(latest.revenue_cents), 1) AS cents FROM latest)

SELECT
    latest.region,
    latest.quantity AS quantite,
    replace(printf('%,d', latest.revenue_cents / 100), ',', char(8239))
    || ',' || printf('%02d', latest.revenue_cents % 100)
    || char(160) || '€' AS chiffre_affaires,
    latest.revenue_cents AS chiffre_affaires_centimes,
    -- per mille, rounded half up, in integers; || binds tighter than / and %
    ((1000 * latest.revenue_cents + total.cents / 2) / total.cents / 10)
    || ','
    || ((1000 * latest.revenue_cents + total.cents / 2) / total.cents % 10)
    || char(160) || '%' AS part
FROM latest
CROSS JOIN total
ORDER BY latest.revenue_cents DESC, latest.region ASC;
