-- Identical rejected lines stored above :first_line: where the ranks of the lines
-- appended since the previous import start (append-only re-import).
SELECT count(*) AS stored
FROM rejects
WHERE
    rejects.source = :source
    AND rejects.raw = :raw
    AND rejects.line_number < :first_line;
