-- Chiffre d'affaires par région
-- Chaque région de la sélection ; un clic sur une barre ouvre ses villes et ses magasins.
SELECT
    store_regions.region,
    sum(ventes_magasins.revenue_cents) AS chiffre_affaires_centimes,
    format_euros(sum(ventes_magasins.revenue_cents)) AS chiffre_affaires,
    format_share(
        sum(ventes_magasins.revenue_cents), sum(sum(ventes_magasins.revenue_cents)) OVER ()
    ) AS part,
    '/-/dashboards/regions-magasins?periode='
    || url_param(:periode)
    || '&du='
    || url_param(:du)
    || '&au='
    || url_param(:au)
    || '&produit='
    || url_param(:produit)
    || '&region='
    || url_param(store_regions.region) AS lien
FROM ventes_magasins
INNER JOIN store_regions ON ventes_magasins.store_id = store_regions.store_id
GROUP BY store_regions.region
ORDER BY chiffre_affaires_centimes DESC, store_regions.region ASC
