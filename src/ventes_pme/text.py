"""La comparaison des noms tapés par des personnes (sans accents ni casse).

Text matching shared by the modules that compare names typed by people."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """``text`` without accents nor case, ``œ`` spelt ``oe``: the one accent folding of the
    package (city names, column headers).

    >>> fold("Œuvre à SAINT-ÉTIENNE")
    'oeuvre a saint-etienne'
    """
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
