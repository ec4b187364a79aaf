-- The files of the latest import, with what a conditional request needs
-- (ETag, Last-Modified) and the SHA-256 of their content: what `ventes watch`
-- compares the source with before deciding to import again.
SELECT
    f.source,
    f.url,
    f.sha256,
    f.etag,
    f.last_modified
FROM import_files AS f
WHERE f.import_id = (SELECT max(r.import_id) FROM import_runs AS r);
