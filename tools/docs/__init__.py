"""Regenerate every deliverable under ``docs/``: ``python -m tools.docs`` (scripts/docs.sh).

One module per deliverable, each giving its files and their expected content (``files``):

- :mod:`~tools.docs.architecture`: the architecture diagram (Mermaid in docs/architecture.md,
  Graphviz source and SVG);
- :mod:`~tools.docs.model`: the data model, docs/modele-donnees.md (MCD, physical schema read
  from a migrated database, data dictionary) and the Graphviz diagrams;
- :mod:`~tools.docs.sql`: docs/sql.md, the index of the shipped SQL files;
- :mod:`~tools.docs.results`: the results note and the HTML report of the client's files
  (``ventes run`` then ``ventes rapport`` on a temporary database);
- :mod:`~tools.docs.characteristics`: docs/caracteristiques.md, the data profile of the
  client's files, then the design decision each finding drove;
- :mod:`~tools.docs.readme`: README.md's table of the modules and of the SQL folders;
- :mod:`~tools.docs.screenshots`: the report at a desktop and a phone width (headless
  Chromium, Playwright).

:mod:`~tools.docs.deliverables` gathers them and tells the stale ones; :mod:`~tools.docs.cli`
is the command: ``--verifier`` writes nothing and fails when a committed file is stale (what
the tests run), or when it could not check one (client's files or Graphviz missing). A
generated block inside a hand-written Markdown file sits between ``<!-- généré:NOM -->`` and
``<!-- /généré:NOM -->``.
"""
