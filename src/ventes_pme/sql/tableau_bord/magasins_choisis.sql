-- Les magasins retenus par les filtres région et magasin.
SELECT store_regions.store_id
FROM store_regions
WHERE
    (:region = '' OR store_regions.region = :region)
    AND (
        :magasin = ''
        OR store_regions.city || ' (n° ' || store_regions.store_id || ')' = :magasin
    )
