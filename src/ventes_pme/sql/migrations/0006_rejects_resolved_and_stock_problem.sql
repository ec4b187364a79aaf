-- Un rejet devenu valide (ou sorti du fichier) est marqué résolu ; un produit au stock inutilisable
-- est gardé, avec le motif du problème.
--
-- Migration 0006: a reject that is no longer one, and a product with an unusable stock.
--
-- resolved_import_id: the first import whose full read of the file no longer
-- rejected the line (it became valid and was imported, or it left the file).
-- NULL while the line is still rejected; set back to NULL if it comes back.
--
-- stock_problem: why the stock of the latest products file was unusable
-- (blank, negative, not a number). The product is kept all the same (the
-- analyses never use the stock): stock then keeps its last valid value, 0 for
-- a product never seen with one.

ALTER TABLE rejects ADD COLUMN resolved_import_id INTEGER REFERENCES import_runs (import_id);

ALTER TABLE products ADD COLUMN stock_problem TEXT;
