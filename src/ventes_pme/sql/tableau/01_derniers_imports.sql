-- Derniers imports
-- Les vingt derniers imports : dates, ventes avant et après, ventes ajoutées.
SELECT
    import_runs.import_id AS import,
    import_runs.started_at AS debut,
    import_runs.finished_at AS fin,
    import_runs.sales_before AS ventes_avant,
    import_runs.sales_after AS ventes_apres,
    import_runs.sales_after - import_runs.sales_before AS ventes_ajoutees
FROM import_runs
ORDER BY import_runs.import_id DESC
LIMIT 20;
