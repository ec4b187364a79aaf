-- Période choisie et période précédente
-- Les dates des deux périodes, puis chaque indicateur dans l'une et l'autre, et son
-- évolution.
SELECT
    'Dates' AS "Indicateur",
    'du ' || format_day(bornes.du) || ' au ' || format_day(bornes.au) AS "Période choisie",
    'du '
    || format_day(bornes.avant_du)
    || ' au '
    || format_day(bornes.avant_au) AS "Période précédente",
    bornes.jours || ' jours' AS "Évolution"
FROM bornes
UNION ALL
SELECT
    'Chiffre d''affaires' AS "Indicateur",
    format_euros(totaux.ca) AS "Période choisie",
    format_euros(totaux.ca_avant) AS "Période précédente",
    coalesce(format_change(totaux.ca, totaux.ca_avant), '—') AS "Évolution"
FROM totaux
UNION ALL
SELECT
    'Nombre de ventes' AS "Indicateur",
    format_integer(totaux.ventes) AS "Période choisie",
    format_integer(totaux.ventes_avant) AS "Période précédente",
    coalesce(format_change(totaux.ventes, totaux.ventes_avant), '—') AS "Évolution"
FROM totaux
UNION ALL
SELECT
    'Panier moyen' AS "Indicateur",
    coalesce(format_euros(totaux.ca / nullif(totaux.ventes, 0)), '—') AS "Période choisie",
    coalesce(
        format_euros(totaux.ca_avant / nullif(totaux.ventes_avant, 0)), '—'
    ) AS "Période précédente",
    coalesce(format_change(
        totaux.ca / nullif(totaux.ventes, 0),
        totaux.ca_avant / nullif(totaux.ventes_avant, 0)
    ), '—') AS "Évolution"
FROM totaux
