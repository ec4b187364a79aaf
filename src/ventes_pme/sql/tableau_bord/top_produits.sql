-- Les 10 meilleurs produits et les autres
-- Les dix produits au plus gros chiffre d'affaires de la sélection, puis tous les autres
-- ensemble ; un clic sur une barre ouvre la page du produit.
SELECT
    CASE
        WHEN min(classement.rang) <= 10 THEN min(classement.nom)
        ELSE 'Autres (' || count(*) || ' produits)'
    END AS produit,
    sum(classement.ca) AS chiffre_affaires_centimes,
    format_euros(sum(classement.ca)) AS chiffre_affaires,
    format_share(sum(classement.ca), sum(sum(classement.ca)) OVER ()) AS part,
    CASE
        WHEN min(classement.rang) <= 10
            THEN
                '/-/dashboards/produits?periode='
                || url_param(:periode)
                || '&du='
                || url_param(:du)
                || '&au='
                || url_param(:au)
                || '&region='
                || url_param(:region)
                || '&magasin='
                || url_param(:magasin)
                || '&produit='
                || url_param(min(classement.nom))
    END AS lien
FROM (
    SELECT
        products.name || ' (' || products.product_id || ')' AS nom,
        sum(ventes_produits.revenue_cents) AS ca,
        row_number() OVER (
            ORDER BY sum(ventes_produits.revenue_cents) DESC, products.product_id
        ) AS rang
    FROM ventes_produits
    INNER JOIN products ON ventes_produits.product_id = products.product_id
    GROUP BY products.product_id
) AS classement
GROUP BY min(classement.rang, 11)
ORDER BY min(classement.rang)
