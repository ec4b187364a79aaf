-- Magasins
-- Chaque magasin de la sélection, du plus gros chiffre d'affaires au plus petit ; un clic sur
-- un magasin affiche ses produits.
SELECT
    '<a href="/-/dashboards/regions-magasins?periode='
    || url_param(:periode)
    || '&amp;du='
    || url_param(:du)
    || '&amp;au='
    || url_param(:au)
    || '&amp;produit='
    || url_param(:produit)
    || '&amp;region='
    || url_param(store_regions.region)
    || '&amp;magasin='
    || url_param(store_regions.city || ' (n° ' || store_regions.store_id || ')')
    || '">'
    || html_text(store_regions.city || ' (n° ' || store_regions.store_id || ')')
    || '</a>' AS "Magasin",
    html_text(store_regions.region) AS "Région",
    format_integer(sum(ventes_magasins.sales_count)) AS "Ventes",
    format_euros(sum(ventes_magasins.revenue_cents)) AS "Chiffre d'affaires",
    format_euros(
        sum(ventes_magasins.revenue_cents) / sum(ventes_magasins.sales_count)
    ) AS "Panier moyen",
    format_share(
        sum(ventes_magasins.revenue_cents), sum(sum(ventes_magasins.revenue_cents)) OVER ()
    ) AS "Part"
FROM ventes_magasins
INNER JOIN store_regions ON ventes_magasins.store_id = store_regions.store_id
GROUP BY store_regions.store_id
ORDER BY sum(ventes_magasins.revenue_cents) DESC, store_regions.store_id
