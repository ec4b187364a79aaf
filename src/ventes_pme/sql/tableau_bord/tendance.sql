-- Évolution du chiffre d'affaires
-- Par jour jusqu'à 92 jours, par semaine (du lundi) jusqu'à deux ans, par mois au-delà.
SELECT
    par_jour.debut,
    par_jour.pas,
    CASE par_jour.pas
        WHEN 'jour' THEN format_day(par_jour.debut)
        WHEN 'semaine' THEN 'semaine du ' || format_day(par_jour.debut)
        ELSE format_month(par_jour.debut)
    END AS periode,
    sum(par_jour.sales_count) AS ventes,
    sum(par_jour.revenue_cents) AS chiffre_affaires_centimes,
    format_euros(sum(par_jour.revenue_cents)) AS chiffre_affaires
FROM (
    SELECT
        ventes_jours.sales_count,
        ventes_jours.revenue_cents,
        CASE
            WHEN bornes.jours <= 92 THEN 'jour'
            WHEN bornes.jours <= 731 THEN 'semaine'
            ELSE 'mois'
        END AS pas,
        CASE
            WHEN bornes.jours <= 92 THEN ventes_jours.sale_date
            WHEN bornes.jours <= 731 THEN date(ventes_jours.sale_date, '-6 days', 'weekday 1')
            ELSE date(ventes_jours.sale_date, 'start of month')
        END AS debut
    FROM bornes
    INNER JOIN ventes_jours ON bornes.du <= ventes_jours.sale_date
    WHERE :produit = '' OR bornes.jours <= 731
    UNION ALL
    -- by month with a product chosen: its whole months from the aggregate (ventes_mois)
    SELECT
        ventes_mois.sales_count,
        ventes_mois.revenue_cents,
        'mois' AS pas,
        date(ventes_mois.jour, 'start of month') AS debut
    FROM bornes
    INNER JOIN ventes_mois ON NOT ventes_mois.avant
    WHERE :produit != '' AND bornes.jours > 731
) AS par_jour
GROUP BY par_jour.debut, par_jour.pas
ORDER BY par_jour.debut
