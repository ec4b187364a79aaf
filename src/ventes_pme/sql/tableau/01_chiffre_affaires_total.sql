-- Chiffre d'affaires total
-- Le chiffre d'affaires de toutes les ventes, selon la dernière analyse : montant, nombre de
-- ventes, quantité vendue et période couverte.
SELECT
    replace(printf('%,d', result_total_revenue.revenue_cents / 100), ',', char(8239))
    || ',' || printf('%02d', result_total_revenue.revenue_cents % 100)
    || char(160) || '€' AS chiffre_affaires,
    result_total_revenue.revenue_cents AS chiffre_affaires_centimes,
    result_total_revenue.sales_count AS ventes,
    result_total_revenue.quantity AS quantite,
    latest_analysis_run.period_start AS du,
    latest_analysis_run.period_end AS au,
    latest_analysis_run.run_id AS analyse,
    latest_analysis_run.created_at AS analyse_le
FROM result_total_revenue
INNER JOIN latest_analysis_run ON result_total_revenue.run_id = latest_analysis_run.run_id;
