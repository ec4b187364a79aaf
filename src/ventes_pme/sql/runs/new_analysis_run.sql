-- Une nouvelle exécution d'analyse : sa date, le nombre de ventes couvertes, leur période.
--
-- A new analysis run: when, how many sales it covers, their period.
-- Three subqueries, not one aggregate: min and max of the first primary key
-- column are then two index seeks instead of a scan of every sale.
INSERT INTO analysis_runs (
    created_at, sales_count, last_import_id, period_start, period_end
)
SELECT
    :created_at AS created_at,
    (SELECT count(*) FROM sales) AS sales_count,
    (SELECT max(import_runs.import_id) FROM import_runs) AS last_import_id,
    (SELECT min(sales.sale_date) FROM sales) AS period_start,
    (SELECT max(sales.sale_date) FROM sales) AS period_end;
