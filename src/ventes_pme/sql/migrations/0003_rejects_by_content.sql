-- Une ligne rejetée est identifiée par son contenu et son rang, comme une vente.
--
-- Migration 0003: a rejected line is identified by its content, like a sale.
--
-- Rejects were unique per (file, line number, content): when lines were inserted
-- above a bad line, the next import recorded it again under its new number. A
-- rejected line is now its content plus its rank among identical rejected lines
-- of its file ("occurrence"); line_number is where it was last seen. Re-runs
-- never pile up copies, whatever moves in the file.

CREATE TABLE rejects_by_content (
    reject_id INTEGER PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('produits', 'magasins', 'ventes')),
    raw TEXT NOT NULL,
    occurrence INTEGER NOT NULL CHECK (occurrence >= 1),
    line_number INTEGER NOT NULL,
    -- machine-readable reason (e.g. 'unknown_product'), then the French one
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    first_import_id INTEGER NOT NULL REFERENCES import_runs (import_id),
    last_import_id INTEGER NOT NULL REFERENCES import_runs (import_id),
    UNIQUE (source, raw, occurrence)
) STRICT;

INSERT INTO rejects_by_content (
    reject_id, source, raw, occurrence, line_number, code, reason,
    first_import_id, last_import_id
)
SELECT
    rejects.reject_id,
    rejects.source,
    rejects.raw,
    row_number() OVER (
        PARTITION BY rejects.source, rejects.raw
        ORDER BY rejects.line_number, rejects.reject_id
    ) AS occurrence,
    rejects.line_number,
    rejects.code,
    rejects.reason,
    rejects.first_import_id,
    rejects.last_import_id
FROM rejects;

DROP TABLE rejects;

ALTER TABLE rejects_by_content RENAME TO rejects;
