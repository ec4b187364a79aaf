-- L'agrégat de ventes par produit, mois et magasin, pour les tableaux de bord : les produits
-- d'une période, ou les régions d'un produit, sans relire les ventes.
--
-- Migration 0010: persistent sales aggregate per product, month and store.
--
-- The dashboards ask for sums per product (and store) over a period, or per store
-- for one product: neither the day x store nor the product x store aggregate
-- (migration 0002) answers that, and the sales table's key starts with the date,
-- so a year of sales or every sale of one product meant reading hundreds of
-- thousands of sales. Here, at most products x months x stores rows (a few
-- hundred thousand at three years, 200 products and 50 stores, whatever the
-- number of sales); a period reads its whole months from it and its partial
-- first and last months from the sales (a range of the sales' key).
--
-- It is kept exactly as the two others: each import adds the sales it inserts
-- in its own transaction (aggregates.py), sales are never updated nor deleted
-- (the triggers of migration 0002), and the count check of each import and
-- analysis rebuilds the three aggregates when a sale was inserted by other
-- means. month_start is the first day of the month (AAAA-MM-01), so that it
-- compares with sale dates. The key starts with the product: one product's rows
-- are one range, and every product's rows of some months one range per product.
--
-- Existing databases get it from the sales they already hold.

CREATE TABLE sales_by_product_month_store (
    product_id TEXT NOT NULL,
    month_start TEXT NOT NULL,
    store_id INTEGER NOT NULL,
    sales_count INTEGER NOT NULL CHECK (sales_count > 0),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    revenue_cents INTEGER NOT NULL CHECK (revenue_cents >= 0),
    PRIMARY KEY (product_id, month_start, store_id)
) STRICT, WITHOUT ROWID;

INSERT INTO sales_by_product_month_store (
    product_id, month_start, store_id, sales_count, quantity, revenue_cents
)
SELECT
    sales.product_id,
    substr(sales.sale_date, 1, 8) || '01' AS month_start,
    sales.store_id,
    count(*) AS sales_count,
    sum(sales.quantity) AS quantity,
    sum(sales.quantity * sales.unit_price_cents) AS revenue_cents
FROM sales
GROUP BY sales.product_id, month_start, sales.store_id;
