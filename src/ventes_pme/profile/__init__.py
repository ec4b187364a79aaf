"""Profil des données : ce que contiennent les trois fichiers, décrit et gardé à chaque import.

The data profile: what the three files hold, described at each import and stored with it.
Two sources, each used for what it knows best:

- a streaming pass over each raw file, in constant memory (:mod:`.counts`), from whose counts
  come exactly the statistics of each column and file (:mod:`.stats`);
- SQL on the stored data (``sql/profile/``) for what one pass in constant memory cannot give:
  the identical sales and the products and stores without any sale (:mod:`.store`, which also
  writes the profile in the import's transaction and reads it back).

:mod:`.french` words it for ``ventes profil``; the reports' headline figures are
:mod:`ventes_pme.report.data`'s. Callers import the module they need: this package imports
nothing, so that the import's reading of the sales file (a child process) loads only
:mod:`.counts`.
"""
