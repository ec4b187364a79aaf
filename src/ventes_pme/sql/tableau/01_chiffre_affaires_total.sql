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
    derniere_analyse.debut_periode AS du,
    derniere_analyse.fin_periode AS au,
    derniere_analyse.analyse_id AS analyse,
    derniere_analyse.date_analyse AS analyse_le
FROM result_total_revenue
INNER JOIN derniere_analyse ON result_total_revenue.run_id = derniere_analyse.analyse_id;
