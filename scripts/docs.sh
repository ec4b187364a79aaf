#!/usr/bin/env bash
# Regenerates every deliverable of docs/: architecture and data-model diagrams (Mermaid,
# Graphviz SVG), physical schema, SQL index, data characteristics, results note, HTML report
# and its screenshots; the README's table of modules. One module of tools/docs/ per
# deliverable. Needs graphviz (dot) for the SVG files, chromium (Debian package,
# driven by Playwright of the dev extra) for the PNG files; the client's files in
# exemples/client (the project's snapshot) for the characteristics, the note and the report.
# `--verifier` only checks, and fails when it could not check everything.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x .venv/bin/python ]]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q -e '.[dev]'
fi
exec .venv/bin/python -m tools.docs "$@"
