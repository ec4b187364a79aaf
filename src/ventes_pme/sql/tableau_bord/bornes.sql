-- La période choisie (préréglage ou dates du/au) et la période précédente de même longueur.
--
-- The chosen period and the previous one of the same length, as one row. The presets count
-- back from the latest sale (the data's "today"); explicit dates win over the preset.
-- For each period, its whole months [mois_du, mois_fin) and its other days, [du, bord_au]
-- and [bord_du, au] (the whole period when no month is whole): the product x month x
-- store aggregate answers for the months, the sales (whose key starts with the date) for
-- the days. A month counts as whole when the period covers it, or covers every sale of it
-- (the period starts before the first sale or ends after the last one).
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

periodes AS (
    SELECT
        choix.debut,
        choix.fin,
        choix.du,
        choix.au,
        date(
            choix.du,
            printf('-%d days', julianday(choix.au) - julianday(choix.du) + 1)
        ) AS avant_du,
        date(choix.du, '-1 day') AS avant_au
    FROM choix
),

mois AS (
    SELECT
        periodes.*,
        CASE
            WHEN
                periodes.du <= periodes.debut
                OR periodes.du = date(periodes.du, 'start of month')
                THEN date(periodes.du, 'start of month')
            ELSE date(periodes.du, 'start of month', '+1 month')
        END AS mois_du,
        CASE
            WHEN
                periodes.au >= periodes.fin
                OR periodes.au = date(periodes.au, 'start of month', '+1 month', '-1 day')
                THEN date(periodes.au, 'start of month', '+1 month')
            ELSE date(periodes.au, 'start of month')
        END AS mois_fin,
        CASE
            WHEN
                periodes.avant_du <= periodes.debut
                OR periodes.avant_du = date(periodes.avant_du, 'start of month')
                THEN date(periodes.avant_du, 'start of month')
            ELSE date(periodes.avant_du, 'start of month', '+1 month')
        END AS avant_mois_du,
        CASE
            WHEN
                periodes.avant_au >= periodes.fin
                OR periodes.avant_au
                = date(periodes.avant_au, 'start of month', '+1 month', '-1 day')
                THEN date(periodes.avant_au, 'start of month', '+1 month')
            ELSE date(periodes.avant_au, 'start of month')
        END AS avant_mois_fin
    FROM periodes
)

SELECT
    mois.du,
    mois.au,
    mois.du <= mois.debut AND mois.au >= mois.fin AS tout,
    mois.mois_du,
    mois.mois_fin,
    CASE
        WHEN mois.mois_du < mois.mois_fin THEN date(mois.mois_du, '-1 day') ELSE mois.au
    END AS bord_au,
    CASE
        WHEN mois.mois_du < mois.mois_fin THEN mois.mois_fin ELSE date(mois.au, '+1 day')
    END AS bord_du,
    mois.avant_du,
    mois.avant_au,
    mois.avant_mois_du,
    mois.avant_mois_fin,
    CASE
        WHEN mois.avant_mois_du < mois.avant_mois_fin
            THEN date(mois.avant_mois_du, '-1 day')
        ELSE mois.avant_au
    END AS avant_bord_au,
    CASE
        WHEN mois.avant_mois_du < mois.avant_mois_fin THEN mois.avant_mois_fin
        ELSE date(mois.avant_au, '+1 day')
    END AS avant_bord_du,
    cast(julianday(mois.au) - julianday(mois.du) + 1 AS INTEGER) AS jours
FROM mois
