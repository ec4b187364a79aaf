-- Les adresses du journal des imports sans leurs secrets : identifiants et jetons masqués.
--
-- Migration 0009: the addresses already in the import journal lose their secrets.
--
-- import_files.url is shown on the dashboard; an import stores the address with its
-- credentials (user:password@) and tokens (?token=, key=, sig=…) replaced by ***.
-- The rows written before get the same treatment here, through mask_url(), the
-- Python function ventes_pme.redact.url that db.migrate lends SQLite (with
-- secure_delete on, so that the old values are overwritten in the file).

UPDATE import_files SET url = mask_url(url)
WHERE url != mask_url(url);
