-- Les fichiers du dernier import : ce à quoi `ventes watch` compare la source, et s'il en a
-- laissé une ligne en attente.
--
-- The files of the latest import: what `ventes watch` compares the source with.
-- ETag and Last-Modified make the next requests conditional (HTTP 304 when
-- unchanged); the SHA-256 recognises the same content from a server without them.
-- pending: the import left the file's last line out (it may have been cut), so
-- the same bytes received complete are not "unchanged".
SELECT
    f.source,
    f.url,
    f.sha256,
    f.etag,
    f.last_modified,
    f.pending_line IS NOT NULL AS pending
FROM import_files AS f
WHERE f.import_id = (SELECT max(r.import_id) FROM import_runs AS r);
