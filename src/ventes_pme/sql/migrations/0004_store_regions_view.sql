-- La région de chaque magasin, en vue (store_regions), et la dernière analyse en français (vue
-- derniere_analyse).
--
-- The region of each store as a view (no hidden temporary table), and the latest run in French.
--
-- Until now the first analysis file created a temporary table that later
-- files needed: a hidden dependency on the run order. A view says it in the
-- schema. Stores whose city is not in the reference table are in
-- "Région inconnue": their sales are shown, never dropped.
CREATE VIEW store_regions AS
SELECT
    stores.store_id,
    stores.city,
    stores.city_key,
    stores.employees,
    coalesce(city_regions.region, 'Région inconnue') AS region
FROM stores
LEFT JOIN city_regions ON stores.city_key = city_regions.city_key;

-- For the sqlite3 shell, with French column names. Each analysis gets its own
-- view derniere_<analysis> from its declaration (ventes_pme/catalog.py); the
-- English latest_* views of migration 0001 stay for one version.
CREATE VIEW derniere_analyse AS
SELECT
    analysis_runs.run_id AS analyse_id,
    analysis_runs.created_at AS date_analyse,
    analysis_runs.sales_count AS nombre_ventes,
    analysis_runs.last_import_id AS dernier_import_id,
    analysis_runs.period_start AS debut_periode,
    analysis_runs.period_end AS fin_periode
FROM analysis_runs
WHERE analysis_runs.run_id = (SELECT max(runs.run_id) FROM analysis_runs AS runs);
