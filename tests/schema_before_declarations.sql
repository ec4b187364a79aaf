-- The result tables and English views as migration 0001 made them before the result
-- tables came from the analyses' declarations: what a database of an earlier version holds
-- (tests/test_catalog.py checks that such a database opens and upgrades).

CREATE TABLE result_total_revenue (
    run_id INTEGER PRIMARY KEY REFERENCES analysis_runs (run_id),
    sales_count INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    revenue_cents INTEGER NOT NULL
) STRICT;

CREATE TABLE result_sales_by_product (
    run_id INTEGER NOT NULL REFERENCES analysis_runs (run_id),
    product_id TEXT NOT NULL,
    product_name TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    revenue_cents INTEGER NOT NULL,
    PRIMARY KEY (run_id, product_id)
) STRICT;

CREATE TABLE result_sales_by_region (
    run_id INTEGER NOT NULL REFERENCES analysis_runs (run_id),
    region TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    revenue_cents INTEGER NOT NULL,
    PRIMARY KEY (run_id, region)
) STRICT;

CREATE TABLE result_sales_by_city (
    run_id INTEGER NOT NULL REFERENCES analysis_runs (run_id),
    city TEXT NOT NULL,
    region TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    revenue_cents INTEGER NOT NULL,
    PRIMARY KEY (run_id, city)
) STRICT;

CREATE TABLE result_revenue_by_day (
    run_id INTEGER NOT NULL REFERENCES analysis_runs (run_id),
    day TEXT NOT NULL,
    sales_count INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    revenue_cents INTEGER NOT NULL,
    PRIMARY KEY (run_id, day)
) STRICT;

CREATE TABLE result_revenue_by_week (
    run_id INTEGER NOT NULL REFERENCES analysis_runs (run_id),
    iso_week TEXT NOT NULL,
    week_start TEXT NOT NULL,
    sales_count INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    revenue_cents INTEGER NOT NULL,
    PRIMARY KEY (run_id, iso_week)
) STRICT;

CREATE TABLE result_sales_by_store (
    run_id INTEGER NOT NULL REFERENCES analysis_runs (run_id),
    store_id INTEGER NOT NULL,
    city TEXT NOT NULL,
    region TEXT NOT NULL,
    employees INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    revenue_cents INTEGER NOT NULL,
    -- NULL when the store declares no employee
    revenue_per_employee_cents INTEGER,
    PRIMARY KEY (run_id, store_id)
) STRICT;

CREATE TABLE result_product_by_region (
    run_id INTEGER NOT NULL REFERENCES analysis_runs (run_id),
    product_id TEXT NOT NULL,
    product_name TEXT NOT NULL,
    region TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    revenue_cents INTEGER NOT NULL,
    PRIMARY KEY (run_id, product_id, region)
) STRICT;

-- Views on the latest analysis run, for the SQLite shell.
CREATE VIEW latest_analysis_run AS
SELECT
    analysis_runs.run_id,
    analysis_runs.created_at,
    analysis_runs.sales_count,
    analysis_runs.last_import_id,
    analysis_runs.period_start,
    analysis_runs.period_end
FROM analysis_runs
WHERE analysis_runs.run_id = (SELECT max(runs.run_id) FROM analysis_runs AS runs);

CREATE VIEW latest_total_revenue AS
SELECT
    result_total_revenue.run_id,
    result_total_revenue.sales_count,
    result_total_revenue.quantity,
    result_total_revenue.revenue_cents / 100.0 AS revenue_euros
FROM result_total_revenue
WHERE result_total_revenue.run_id = (SELECT max(runs.run_id) FROM analysis_runs AS runs);

CREATE VIEW latest_sales_by_product AS
SELECT
    result_sales_by_product.product_id,
    result_sales_by_product.product_name,
    result_sales_by_product.quantity,
    result_sales_by_product.revenue_cents / 100.0 AS revenue_euros
FROM result_sales_by_product
WHERE result_sales_by_product.run_id = (SELECT max(runs.run_id) FROM analysis_runs AS runs)
ORDER BY result_sales_by_product.revenue_cents DESC;

CREATE VIEW latest_sales_by_region AS
SELECT
    result_sales_by_region.region,
    result_sales_by_region.quantity,
    result_sales_by_region.revenue_cents / 100.0 AS revenue_euros
FROM result_sales_by_region
WHERE result_sales_by_region.run_id = (SELECT max(runs.run_id) FROM analysis_runs AS runs)
ORDER BY result_sales_by_region.revenue_cents DESC;
