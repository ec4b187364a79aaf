-- La période choisie (préréglage ou dates du/au) et la période précédente de même longueur.
--
-- The chosen period and the previous one of the same length, as one row. The presets count
-- back from the latest sale (the data's "today"); explicit dates win over the preset.
WITH etendue AS (
    -- two subqueries: each reads one end of the primary key (min and max together scan it)
    SELECT
        (SELECT min(first_day.sale_date) FROM sales_by_day_store AS first_day) AS debut,
        (SELECT max(last_day.sale_date) FROM sales_by_day_store AS last_day) AS fin
),

choix AS (
    SELECT
        etendue.debut,
        etendue.fin,
        CASE
            WHEN :du != '' THEN :du
            WHEN :periode = '4 dernières semaines' THEN date(etendue.fin, '-27 days')
            WHEN :periode = 'ce mois-ci' THEN date(etendue.fin, 'start of month')
            WHEN :periode = 'cette année' THEN date(etendue.fin, 'start of year')
            ELSE etendue.debut
        END AS du,
        CASE WHEN :au != '' THEN :au ELSE etendue.fin END AS au
    FROM etendue
)

SELECT
    choix.du,
    choix.au,
    choix.du <= choix.debut AND choix.au >= choix.fin AS tout,
    date(
        choix.du,
        printf('-%d days', julianday(choix.au) - julianday(choix.du) + 1)
    ) AS avant_du,
    date(choix.du, '-1 day') AS avant_au,
    cast(julianday(choix.au) - julianday(choix.du) + 1 AS INTEGER) AS jours
FROM choix
