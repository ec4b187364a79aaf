-- A new analysis run: when, how many sales it covers, their period.
INSERT INTO analysis_runs (
    created_at, sales_count, last_import_id, period_start, period_end
)
SELECT
    :created_at AS created_at,
    count(*) AS sales_count,
    (SELECT max(import_runs.import_id) FROM import_runs) AS last_import_id,
    min(sales.sale_date) AS period_start,
    max(sales.sale_date) AS period_end
FROM sales;
