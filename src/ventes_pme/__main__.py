from ventes_pme.cli import main

raise SystemExit(main())
