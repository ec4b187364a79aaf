"""Point d'entrée de la commande `ventes` et de `python -m ventes_pme`.

``python -m ventes_pme``, and the ``ventes`` command (pyproject.toml): :func:`run`."""

import gc


def run() -> int:
    """Run the ``ventes`` command in this process, which ends with it.

    The cycle collector is off while the modules are imported: they leave no garbage, and
    its collections meanwhile would be wasted work. At the end, every object left is moved
    to the permanent generation (``gc.freeze``): the interpreter's last collections, as the
    process ends, no longer go through them all (a visible share of a re-import with nothing
    new; docs/performance.md). The command itself runs with the collector
    on (``ventes watch`` runs for days). Tests call :func:`ventes_pme.cli.main`.
    """
    gc.disable()
    try:
        from ventes_pme.cli import main
    finally:
        gc.enable()
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    raise SystemExit(run())
