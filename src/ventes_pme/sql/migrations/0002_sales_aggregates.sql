-- Les agrégats de ventes persistants (jour × magasin, produit × magasin).
--
-- Migration 0002: persistent sales aggregates (day x store, product x store).
--
-- Every analysis reads these two small aggregates (a few thousand rows
-- whatever the number of sales). Built from the sales table at each analysis,
-- they cost a full scan of every sale; kept here, the analyses read a few
-- thousand rows whatever the number of sales.
--
-- They stay exact because sales only ever grow: a sale is never updated nor
-- deleted, and keeps the unit price it was imported with (migration 0001).
-- So each import only adds the contribution of the sales it inserts, in its
-- own transaction (load.py and sql/aggregates/): an import that fails or is
-- killed takes its aggregate updates back with its sales. Two triggers turn
-- the design rule into a guarantee: any UPDATE or DELETE on sales is refused
-- (the aggregates would silently go wrong). A sale inserted by other means
-- than an import (the sqlite3 shell) is caught by the count check of each
-- import and analysis, which then rebuilds both aggregates from the sales.
--
-- Why not an AFTER INSERT trigger on sales, the simplest exact mechanism: two
-- upserts per sale cost far more than summing the inserted sales in load.py,
-- then one upsert per aggregate row (figures in docs/performance.md).
--
-- Existing databases get their aggregates from the sales they already hold.
-- No foreign key here: each row comes from sales, whose keys are checked.

CREATE TABLE sales_by_day_store (
    sale_date TEXT NOT NULL,
    store_id INTEGER NOT NULL,
    sales_count INTEGER NOT NULL CHECK (sales_count > 0),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    revenue_cents INTEGER NOT NULL CHECK (revenue_cents >= 0),
    PRIMARY KEY (sale_date, store_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE sales_by_product_store (
    product_id TEXT NOT NULL,
    store_id INTEGER NOT NULL,
    sales_count INTEGER NOT NULL CHECK (sales_count > 0),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    revenue_cents INTEGER NOT NULL CHECK (revenue_cents >= 0),
    PRIMARY KEY (product_id, store_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER sales_refuse_update
BEFORE UPDATE ON sales
BEGIN
    SELECT raise(
        ABORT,
        'Une vente enregistrée ne peut pas être modifiée : les ventes ne font que s''ajouter.'
    );
END;

CREATE TRIGGER sales_refuse_delete
BEFORE DELETE ON sales
BEGIN
    SELECT raise(
        ABORT,
        'Une vente enregistrée ne peut pas être supprimée : les ventes ne font que s''ajouter.'
    );
END;

INSERT INTO sales_by_day_store (
    sale_date, store_id, sales_count, quantity, revenue_cents
)
SELECT
    sales.sale_date,
    sales.store_id,
    count(*) AS sales_count,
    sum(sales.quantity) AS quantity,
    sum(sales.quantity * sales.unit_price_cents) AS revenue_cents
FROM sales
GROUP BY sales.sale_date, sales.store_id;

INSERT INTO sales_by_product_store (
    product_id, store_id, sales_count, quantity, revenue_cents
)
SELECT
    sales.product_id,
    sales.store_id,
    count(*) AS sales_count,
    sum(sales.quantity) AS quantity,
    sum(sales.quantity * sales.unit_price_cents) AS revenue_cents
FROM sales
GROUP BY sales.product_id, sales.store_id;
