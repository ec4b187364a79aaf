-- Un magasin du fichier : inséré s'il est nouveau, mis à jour sinon.
--
-- A store of the stores file: inserted if new, its attributes updated otherwise.
INSERT INTO stores (store_id, city, city_key, employees, first_import_id, last_import_id)
VALUES (:store_id, :city, :city_key, :employees, :import_id, :import_id)
ON CONFLICT (store_id) DO UPDATE SET
    city = excluded.city,
    city_key = excluded.city_key,
    employees = excluded.employees,
    last_import_id = excluded.last_import_id;
