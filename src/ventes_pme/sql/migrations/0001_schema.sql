-- Le schéma : produits, magasins, ventes, rejets, journal des imports, exécutions d'analyse (les
-- tables de résultats viennent des déclarations des analyses).
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

-- Each analysis' result table (result_*) is created from its declaration
-- (sql/analyses/NN_name.toml, see catalog.py) right after the migrations: the
-- tables a database of an earlier version got here have exactly those columns.
