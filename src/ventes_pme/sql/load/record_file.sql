-- Journal : un fichier téléchargé par un import, avec ses compteurs.
--
-- Audit: one fetched file of an import, with its counts.
INSERT INTO import_files (
    import_id, source, url, http_status, bytes, sha256, etag, last_modified,
    encoding, delimiter, rows_read, inserted, updated, already_present, rejected,
    vanished, end_line, pending_references, incremental, accepted_keys_sha256,
    pending_line
) VALUES (
    :import_id, :source, :url, :http_status, :bytes, :sha256, :etag, :last_modified,
    :encoding, :delimiter, :rows_read, :inserted, :updated, :already_present, :rejected,
    :vanished, :end_line, :pending_references, :incremental, :accepted_keys_sha256,
    :pending_line
);
