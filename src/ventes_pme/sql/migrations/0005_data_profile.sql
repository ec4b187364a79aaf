-- Le profil des données de chaque import (`ventes profil`) : fichiers, colonnes, valeurs
-- fréquentes, vue profile_history, et les comptes d'où reprend le profil après un ajout.
--
-- Migration 0005: the data profile of each import (ventes profil).
--
-- At each import the three files are described (the profile package): a streaming pass
-- over each raw file (encoding, separator, line endings, lines, per column:
-- inferred type, empty values, distinct values, numbers, dates, most frequent
-- values), then SQL on the stored data (identical sales, products and stores
-- without any sale). The profile is kept with its import, never overwritten:
-- its evolution from one import to the next is a query (view profile_history).
-- Numbers are exact decimals written as text (money never goes through a
-- float); NULL means "not computed" (see each column).

CREATE TABLE profile_files (
    import_id INTEGER NOT NULL REFERENCES import_runs (import_id),
    source TEXT NOT NULL CHECK (source IN ('produits', 'magasins', 'ventes')),
    bytes INTEGER NOT NULL,
    -- 'UTF-8', 'UTF-8 avec BOM' or 'Windows-1252'
    encoding TEXT NOT NULL,
    delimiter TEXT NOT NULL,
    -- 'LF', 'CRLF', 'CR', 'mixtes' or 'aucune' (one line without end)
    line_endings TEXT NOT NULL,
    -- data lines: the header and blank lines excluded
    lines INTEGER NOT NULL,
    columns INTEGER NOT NULL,
    blank_lines INTEGER NOT NULL,
    -- lines with another number of fields than the header
    bad_width_lines INTEGER NOT NULL,
    -- lines identical to an earlier line (sales: among the stored sales);
    -- identical_groups: contents seen more than once; max_copies: most copies
    identical_lines INTEGER,
    identical_groups INTEGER,
    max_copies INTEGER,
    -- 1 when no two lines are identical (the whole line is then a key)
    line_is_key INTEGER NOT NULL CHECK (line_is_key IN (0, 1)),
    -- sales file: period, days of the period without any sale, lines naming a
    -- product or store absent from the reference files
    first_date TEXT,
    last_date TEXT,
    days_without_sales INTEGER,
    unknown_products INTEGER,
    unknown_stores INTEGER,
    -- reference files: products or stores with no sale in the database
    without_sales INTEGER,
    PRIMARY KEY (import_id, source)
) STRICT;

CREATE TABLE profile_columns (
    import_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 1),
    name TEXT NOT NULL,
    -- 'entier', 'décimal', 'date', 'texte' or 'vide'
    inferred_type TEXT NOT NULL,
    -- 1 for an identifier column (no statistics on its numbers)
    identifier INTEGER NOT NULL CHECK (identifier IN (0, 1)),
    empty_values INTEGER NOT NULL,
    -- values of another type than the column's (the type of most values)
    nonconforming INTEGER NOT NULL,
    -- NULL: more distinct values than profile/counts.py counts (then no statistics)
    distinct_values INTEGER,
    -- 1 when every line has a value and no two lines the same one
    is_key INTEGER NOT NULL CHECK (is_key IN (0, 1)),
    -- numbers: exact decimals; dates: ISO 8601
    minimum TEXT,
    maximum TEXT,
    total TEXT,
    mean TEXT,
    median TEXT,
    q1 TEXT,
    q3 TEXT,
    -- Tukey's fences: Q1 - 1.5 x IQR and Q3 + 1.5 x IQR; outliers lie outside
    low_fence TEXT,
    high_fence TEXT,
    outliers INTEGER,
    PRIMARY KEY (import_id, source, position),
    FOREIGN KEY (import_id, source) REFERENCES profile_files (import_id, source)
) STRICT;

-- The most frequent values of each column (rank 1 = most frequent).
CREATE TABLE profile_values (
    import_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    position INTEGER NOT NULL,
    rank INTEGER NOT NULL CHECK (rank >= 1),
    value TEXT NOT NULL,
    occurrences INTEGER NOT NULL CHECK (occurrences >= 1),
    PRIMARY KEY (import_id, source, position, rank),
    FOREIGN KEY (import_id, source, position)
    REFERENCES profile_columns (import_id, source, position)
) STRICT;

-- The profile of each file along the imports, for the SQLite shell.
CREATE VIEW profile_history AS
SELECT
    profile_files.import_id,
    import_runs.finished_at,
    profile_files.source,
    profile_files.lines,
    profile_files.identical_lines,
    profile_files.first_date,
    profile_files.last_date,
    profile_files.days_without_sales,
    profile_files.unknown_products,
    profile_files.unknown_stores,
    profile_files.without_sales
FROM profile_files
INNER JOIN import_runs ON profile_files.import_id = import_runs.import_id
ORDER BY profile_files.import_id, profile_files.source;

-- The counts of the streaming pass over the sales file after the latest import
-- (JSON: the count of each value of each column, bounded by profile/counts.py). When
-- the next import reads only the lines appended to the file, the profile reads
-- only those too and adds them to these counts. Rewritten at each import.
CREATE TABLE profile_scan_state (
    source TEXT PRIMARY KEY CHECK (source IN ('produits', 'magasins', 'ventes')),
    import_id INTEGER NOT NULL REFERENCES import_runs (import_id),
    bytes INTEGER NOT NULL,
    state TEXT NOT NULL
) STRICT;
