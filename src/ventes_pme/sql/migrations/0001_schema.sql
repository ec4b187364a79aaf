-- Le schéma complet : produits, magasins, ventes, rejets, journal des imports, analyses et leurs
-- résultats, vues latest_*.
--
-- Migration 0001: the whole schema of ventes-pme.
--
-- Reference data (products, stores, city_regions) is upserted at each import.
-- Sales are never updated nor deleted: the source has no sale identifier, so a
-- sale is identified by its content plus its rank among identical lines
-- ("occurrence"). Importing a file therefore inserts exactly the lines the
-- database does not hold yet, and k identical lines give k sales.
-- Money is stored in integer cents.

CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT;

-- Audit: one row per successful import, one row per file of that import.
CREATE TABLE import_runs (
    import_id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    sales_before INTEGER NOT NULL,
    sales_after INTEGER NOT NULL
) STRICT;

CREATE TABLE import_files (
    import_id INTEGER NOT NULL REFERENCES import_runs (import_id),
    source TEXT NOT NULL CHECK (source IN ('produits', 'magasins', 'ventes')),
    url TEXT NOT NULL,
    http_status INTEGER,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    encoding TEXT NOT NULL,
    delimiter TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    inserted INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    already_present INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    vanished INTEGER NOT NULL,
    -- physical line count of the file (to number the lines appended later)
    end_line INTEGER NOT NULL,
    -- lines of the whole file rejected for an unknown product or store
    pending_references INTEGER NOT NULL,
    -- 1 when only the lines appended since the previous import were read
    incremental INTEGER NOT NULL,
    PRIMARY KEY (import_id, source)
) STRICT;

-- Editable reference: city name -> French administrative region.
-- city_key is the normalized name (lower case, no accent, "st" -> "saint").
CREATE TABLE city_regions (
    city_key TEXT PRIMARY KEY,
    city TEXT NOT NULL,
    region TEXT NOT NULL,
    department TEXT
) STRICT;

CREATE TABLE products (
    product_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    stock INTEGER NOT NULL CHECK (stock >= 0),
    first_import_id INTEGER NOT NULL REFERENCES import_runs (import_id),
    last_import_id INTEGER NOT NULL REFERENCES import_runs (import_id)
) STRICT;

CREATE TABLE stores (
    store_id INTEGER PRIMARY KEY,
    city TEXT NOT NULL,
    city_key TEXT NOT NULL,
    employees INTEGER NOT NULL CHECK (employees >= 0),
    first_import_id INTEGER NOT NULL REFERENCES import_runs (import_id),
    last_import_id INTEGER NOT NULL REFERENCES import_runs (import_id)
) STRICT;

-- A sale keeps the unit price its product had when the sale was first imported.
CREATE TABLE sales (
    sale_date TEXT NOT NULL CHECK (
        sale_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'
    ),
    product_id TEXT NOT NULL REFERENCES products (product_id),
    store_id INTEGER NOT NULL REFERENCES stores (store_id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    occurrence INTEGER NOT NULL CHECK (occurrence >= 1),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    import_id INTEGER NOT NULL REFERENCES import_runs (import_id),
    PRIMARY KEY (sale_date, product_id, store_id, quantity, occurrence)
) STRICT, WITHOUT ROWID;

-- Rows refused by validation, kept once each with the reason.
CREATE TABLE rejects (
    reject_id INTEGER PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('produits', 'magasins', 'ventes')),
    line_number INTEGER NOT NULL,
    raw TEXT NOT NULL,
    -- machine-readable reason (e.g. 'unknown_product'), then the French one
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    first_import_id INTEGER NOT NULL REFERENCES import_runs (import_id),
    last_import_id INTEGER NOT NULL REFERENCES import_runs (import_id),
    UNIQUE (source, line_number, raw)
) STRICT;

-- Analyses: one row per run; each result table keeps every run (history).
CREATE TABLE analysis_runs (
    run_id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    sales_count INTEGER NOT NULL,
    last_import_id INTEGER REFERENCES import_runs (import_id),
    period_start TEXT,
    period_end TEXT
) STRICT;

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
