"""ventes-pme: the sales-analytics pipeline of a French retail SME.

The stages, each a module with one job::

    collect  -> fetch the three CSV files over HTTP (or from disk)
    validate -> parse them, check every row, separate rejects
    load     -> one transaction: upsert references, insert new sales only
    analyse  -> run the named SQL analyses, store their results
    report   -> render the stored results as a French note and HTML page

``ventes_pme.api`` is the Python API; the ``ventes`` command is a thin layer over it.
"""

__version__ = "1.0.0"
