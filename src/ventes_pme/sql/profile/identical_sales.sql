-- Les ventes identiques parmi les ventes en base : une vente de rang k > 1 répète une ligne
-- précédente.
--
-- Identical sales among the stored ones: a sale of rank k > 1 repeats an earlier line.
-- identical_lines: lines that repeat an earlier one; identical_groups: contents seen more
-- than once; max_copies: the most copies of one content (1 when none repeats).
SELECT
    coalesce(sum(sales.occurrence > 1), 0) AS identical_lines,
    coalesce(sum(sales.occurrence = 2), 0) AS identical_groups,
    coalesce(max(sales.occurrence), 0) AS max_copies
FROM sales;
