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
),

mois AS (
    -- the whole months of the period, [mois_du, mois_fin): a month counts as whole when the
    -- period covers it, or covers every sale of it (before the first or after the last sale)
    SELECT
        choix.*,
        CASE
            WHEN choix.du <= choix.debut OR choix.du = date(choix.du, 'start of month')
                THEN date(choix.du, 'start of month')
            ELSE date(choix.du, 'start of month', '+1 month')
        END AS mois_du,
        CASE
            WHEN
                choix.au >= choix.fin
                OR choix.au = date(choix.au, 'start of month', '+1 month', '-1 day')
                THEN date(choix.au, 'start of month', '+1 month')
            ELSE date(choix.au, 'start of month')
        END AS mois_fin
    FROM choix
)

SELECT
    mois.du,
    mois.au,
    mois.du <= mois.debut AND mois.au >= mois.fin AS tout,
    -- the whole months, then the days of the period outside them: [du, bord_au] and
    -- [bord_du, au] (all of it when no month is whole)
    mois.mois_du,
    mois.mois_fin,
    CASE
        WHEN mois.mois_du < mois.mois_fin THEN date(mois.mois_du, '-1 day') ELSE mois.au
    END AS bord_au,
    CASE
        WHEN mois.mois_du < mois.mois_fin THEN mois.mois_fin ELSE date(mois.au, '+1 day')
    END AS bord_du,
    date(
        mois.du,
        printf('-%d days', julianday(mois.au) - julianday(mois.du) + 1)
    ) AS avant_du,
    date(mois.du, '-1 day') AS avant_au,
    cast(julianday(mois.au) - julianday(mois.du) + 1 AS INTEGER) AS jours
FROM mois
