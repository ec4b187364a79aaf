"""``python -m tools.docs``: see :mod:`tools.docs.cli`."""

from tools.docs.cli import main

raise SystemExit(main())
