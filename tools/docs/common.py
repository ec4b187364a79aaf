"""What every deliverable shares: where the repository, docs/ and the client's files are,
and the generated blocks of hand-written Markdown files."""

from __future__ import annotations

import re
from pathlib import Path

#: the repository: this tool works on a clone, never from an installed package
ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CLIENT_DATA = ROOT / "exemples" / "client"


def replace_block(text: str, name: str, content: str) -> str:
    pattern = re.compile(
        rf"(<!-- généré:{re.escape(name)} -->\n).*?(<!-- /généré:{re.escape(name)} -->)", re.S
    )
    if not pattern.search(text):
        raise ValueError(f"no block « {name} » in the document")
    return pattern.sub(lambda m: m[1] + content + m[2], text)


def fenced(code: str) -> str:
    return f"```mermaid\n{code}```\n"
