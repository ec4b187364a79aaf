-- The stored products, key first, then the attributes a products file may change.
SELECT
    product_id,
    name,
    price_cents,
    stock,
    stock_problem
FROM products;
