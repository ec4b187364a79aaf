-- Les tables de résultats viennent des déclarations des analyses (une base plus ancienne garde les
-- siennes et leur historique) ; les anciennes vues anglaises latest_* sont supprimées.
--
-- Migration 0007: the result tables belong to the analyses' declarations.
--
-- Each result_* table is created from its declaration (sql/analyses/NN_name.toml,
-- see catalog.py) after the migrations; a database made by an earlier version
-- keeps its tables, whose columns are exactly the declared ones, and its history.
-- The English latest_* views that migration 0001 made over those tables go, as
-- the README announced: the derniere_* views (French column names, one per
-- analysis, made from the declarations) replace them.
DROP VIEW IF EXISTS latest_analysis_run;
DROP VIEW IF EXISTS latest_total_revenue;
DROP VIEW IF EXISTS latest_sales_by_product;
DROP VIEW IF EXISTS latest_sales_by_region;
