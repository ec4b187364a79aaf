-- A row when the database holds any sale of a date (load.py reads the first row
-- only: SQLite stops there). Asked the first time an import sends sales of that
-- date with relative occurrences: when it holds none, no group of identical
-- lines of that date needs its count (count_identical_sales.sql).
SELECT 1 FROM sales
WHERE sale_date = :sale_date;
