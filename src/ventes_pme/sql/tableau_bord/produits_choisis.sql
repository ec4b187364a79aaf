-- Les produits retenus par le filtre produit.
SELECT products.product_id
FROM products
WHERE :produit = '' OR products.name || ' (' || products.product_id || ')' = :produit
