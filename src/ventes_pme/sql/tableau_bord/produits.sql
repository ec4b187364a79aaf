-- Tous les produits
-- Chaque produit vendu dans la sélection, du plus gros chiffre d'affaires au plus petit :
-- la liste complète, sans coupure.
SELECT
    html_text(products.name) AS "Produit",
    html_text(products.product_id) AS "Référence",
    format_integer(sum(ventes_produits.quantity)) AS "Quantité",
    format_integer(sum(ventes_produits.sales_count)) AS "Ventes",
    format_euros(sum(ventes_produits.revenue_cents)) AS "Chiffre d'affaires",
    format_share(
        sum(ventes_produits.revenue_cents), sum(sum(ventes_produits.revenue_cents)) OVER ()
    ) AS "Part"
FROM ventes_produits
INNER JOIN products ON ventes_produits.product_id = products.product_id
GROUP BY products.product_id
ORDER BY sum(ventes_produits.revenue_cents) DESC, products.product_id
