-- Ventes par magasin
-- Chiffre d'affaires de chaque magasin et par salarié (dernière analyse).
SELECT
    result_sales_by_store.store_id AS magasin,
    result_sales_by_store.city AS ville,
    result_sales_by_store.region,
    result_sales_by_store.employees AS salaries,
    result_sales_by_store.quantity AS quantite,
    replace(printf('%,d', result_sales_by_store.revenue_cents / 100), ',', char(8239))
    || ',' || printf('%02d', result_sales_by_store.revenue_cents % 100)
    || char(160) || '€' AS chiffre_affaires,
    result_sales_by_store.revenue_cents AS chiffre_affaires_centimes,
    result_sales_by_store.revenue_per_employee_cents AS par_salarie_centimes
FROM result_sales_by_store
INNER JOIN derniere_analyse ON result_sales_by_store.run_id = derniere_analyse.analyse_id
ORDER BY result_sales_by_store.revenue_cents DESC, result_sales_by_store.store_id ASC;
