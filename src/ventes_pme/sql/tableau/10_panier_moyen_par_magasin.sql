-- Panier moyen par magasin
-- Nombre de ventes, chiffre d'affaires et panier moyen (chiffre d'affaires par vente) de
-- chaque magasin, du plus grand panier au plus petit (dernière analyse).
SELECT
    result_average_basket_by_store.store_id AS magasin,
    result_average_basket_by_store.city AS ville,
    result_average_basket_by_store.sales_count AS ventes,
    replace(printf('%,d', result_average_basket_by_store.revenue_cents / 100), ',', char(8239))
    || ',' || printf('%02d', result_average_basket_by_store.revenue_cents % 100)
    || char(160) || '€' AS chiffre_affaires,
    -- empty for a store without sale
    CASE
        WHEN result_average_basket_by_store.average_basket_cents IS NOT NULL
            THEN
                replace(
                    printf('%,d', result_average_basket_by_store.average_basket_cents / 100),
                    ',',
                    char(8239)
                )
                || ',' || printf('%02d', result_average_basket_by_store.average_basket_cents % 100)
                || char(160) || '€'
    END AS panier_moyen,
    result_average_basket_by_store.average_basket_cents AS panier_moyen_centimes
FROM result_average_basket_by_store
INNER JOIN derniere_analyse ON result_average_basket_by_store.run_id = derniere_analyse.analyse_id
ORDER BY
    result_average_basket_by_store.average_basket_cents DESC NULLS LAST,
    result_average_basket_by_store.store_id ASC;
