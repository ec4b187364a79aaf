-- Les ventes identiques comptées par le profil de l'import précédent, quand elles décrivent encore
-- toutes les ventes en base : l'import y ajoute celles qu'il a insérées, sans relire des millions
-- de ventes.
--
-- The identical sales among the sales stored before import :import_id, without
-- scanning them: none when the table was empty (a first import), else the counts of
-- the previous import's profile when they still describe every sale stored before:
-- the previous import is the one just before, and no sale was stored between the two
-- (its sales_after is this import's sales_before). The import then adds the counts
-- of the sales it inserted (profile/store.py, complete), instead of scanning millions of sales
-- (identical_sales.sql). Either row, when both come, gives the same counts.
SELECT
    previous_profile.identical_lines,
    previous_profile.identical_groups,
    previous_profile.max_copies
FROM profile_files AS previous_profile
INNER JOIN import_runs AS previous_run
    ON previous_profile.import_id = previous_run.import_id
INNER JOIN import_runs AS current_run
    ON current_run.import_id = :import_id
WHERE
    previous_profile.source = 'ventes'
    AND previous_profile.identical_lines IS NOT NULL
    AND previous_profile.identical_groups IS NOT NULL
    AND previous_profile.max_copies IS NOT NULL
    AND previous_run.sales_after = current_run.sales_before
    AND previous_run.import_id = (
        SELECT max(earlier.import_id) FROM import_runs AS earlier
        WHERE earlier.import_id < :import_id
    )
UNION ALL
SELECT
    0 AS identical_lines,
    0 AS identical_groups,
    0 AS max_copies
FROM import_runs AS current_run
WHERE
    current_run.import_id = :import_id
    AND current_run.sales_before = 0;
