-- Chiffre d'affaires par ville
-- Chaque ville de la sélection (choisir une région pour n'en voir que les villes).
SELECT
    store_regions.city AS ville,
    store_regions.region,
    sum(ventes_magasins.revenue_cents) AS chiffre_affaires_centimes,
    format_euros(sum(ventes_magasins.revenue_cents)) AS chiffre_affaires
FROM ventes_magasins
INNER JOIN store_regions ON ventes_magasins.store_id = store_regions.store_id
GROUP BY store_regions.city, store_regions.region
ORDER BY chiffre_affaires_centimes DESC, ville ASC
