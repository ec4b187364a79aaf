-- Indicateurs de la période
-- Chiffre d'affaires, nombre de ventes et panier moyen de la période choisie, chacun avec
-- son évolution par rapport à la période précédente de même longueur.
SELECT
    totaux.ca AS chiffre_affaires_centimes,
    totaux.ca_avant AS chiffre_affaires_avant_centimes,
    totaux.ventes,
    totaux.ventes_avant,
    format_euros(totaux.ca)
    || '<br><small>par rapport à la période précédente : '
    || coalesce(format_change(totaux.ca, totaux.ca_avant), '—')
    || '</small>' AS chiffre_affaires,
    format_integer(totaux.ventes)
    || '<br><small>par rapport à la période précédente : '
    || coalesce(format_change(totaux.ventes, totaux.ventes_avant), '—')
    || '</small>' AS nombre_ventes,
    coalesce(format_euros(totaux.ca / nullif(totaux.ventes, 0)), '—')
    || '<br><small>par rapport à la période précédente : '
    || coalesce(format_change(
        totaux.ca / nullif(totaux.ventes, 0),
        totaux.ca_avant / nullif(totaux.ventes_avant, 0)
    ), '—')
    || '</small>' AS panier_moyen
FROM totaux
