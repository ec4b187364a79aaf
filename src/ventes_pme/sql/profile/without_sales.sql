-- Couverture des références : les produits et les magasins en base sans aucune vente.
--
-- Referential coverage: the stored products and stores without any sale.
-- Read from the product x store aggregate (a few thousand rows at most).
SELECT
    (
        SELECT count(*) FROM products
        WHERE products.product_id NOT IN (
            SELECT agg.product_id FROM sales_by_product_store AS agg
        )
    ) AS products_without_sales,
    (
        SELECT count(*) FROM stores
        WHERE stores.store_id NOT IN (
            SELECT agg.store_id FROM sales_by_product_store AS agg
        )
    ) AS stores_without_sales;
