-- Ce qu'un import a retenu de ses fichiers : l'empreinte des identifiants valides des produits et
-- magasins, la ligne laissée en attente.
--
-- Migration 0008: what an import took from its files, beyond the bytes it received.
--
-- accepted_keys_sha256: for the products and stores files, the SHA-256 of the
-- keys of their valid rows (load.keys_sha256); NULL for the sales file. The
-- sales are checked against these keys: the same bytes can give other keys (a
-- last line left pending when the transfer could not be checked complete, then
-- confirmed), so an append-only re-import of the sales file compares the keys,
-- not the files' bytes.
--
-- pending_line: the number of the last line left out because it had no line
-- ending and the transfer could not be checked complete; NULL when none. The
-- import then did not take the whole file: the same bytes, received complete,
-- must be imported again (ventes watch does not skip them).

ALTER TABLE import_files ADD COLUMN accepted_keys_sha256 TEXT;

ALTER TABLE import_files ADD COLUMN pending_line INTEGER;
