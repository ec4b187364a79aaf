-- Where the streaming pass over the sales file resumes after an append.
-- When this import read only the lines appended to the file (import_files.incremental),
-- from the end of the file the previous import read, provided the saved counts are those
-- of that import.
SELECT
    state.bytes,
    state.state
FROM profile_scan_state AS state
INNER JOIN import_files AS current_file
    ON state.source = current_file.source
INNER JOIN import_files AS previous_file
    ON
        state.source = previous_file.source
        AND state.import_id = previous_file.import_id
WHERE
    state.source = 'ventes'
    AND current_file.import_id = :import_id
    AND current_file.incremental = 1
    AND previous_file.bytes = state.bytes
    AND previous_file.import_id = (
        SELECT max(earlier.import_id) FROM import_files AS earlier
        WHERE earlier.source = 'ventes' AND earlier.import_id < :import_id
    );
