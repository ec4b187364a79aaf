-- Les produits en base, clé d'abord, puis ce qu'un fichier de produits peut changer.
--
-- The stored products, key first, then the attributes a products file may change.
SELECT
    product_id,
    name,
    price_cents,
    stock,
    stock_problem
FROM products;
