"""Everything the command prints is French: argparse's headings and errors included."""

from __future__ import annotations

import re

import pytest

from ventes_pme.cli import build_parser, main, translate_error

COMMANDS = ["init", "import", "analyse", "run", "watch", "rapport", "schema", "generer"]

#: argparse's English, as Python 3.11 to 3.13 print it
ENGLISH = [
    "usage:",
    "options:",
    "positional arguments",
    "optional arguments",
    "show this help message",
    "show program's version",
    "default:",
    "error:",
    "the following arguments",
    "unrecognized",
    "invalid choice",
    "choose from",
    "expected",
    "not allowed",
    "ambiguous",
    "could match",
    "required",
]


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as done:
        main([*args, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def _french(text: str) -> None:
    lower = text.lower()
    assert not [e for e in ENGLISH if e in lower], text
    # French typography: a space before each colon (URLs and "file://" aside)
    assert not re.findall(r"\S:(?!//)", text), text


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_is_french(capsys: pytest.CaptureFixture[str], command: str) -> None:
    text = _help(capsys, *([command] if command else []))
    _french(text)
    assert text.startswith("Utilisation : ventes")
    assert "options :" in text and "afficher cette aide et quitter" in text


def test_the_scan_would_see_english() -> None:
    """The check itself: argparse's own parser is English, and fails it."""
    import argparse

    english = argparse.ArgumentParser(prog="x").format_help()
    with pytest.raises(AssertionError):
        _french(english)
    assert len(build_parser().format_help()) > 200


@pytest.mark.parametrize(
    "args, expected",
    [
        (["bogus"], "argument COMMANDE : choix invalide : 'bogus' (choisir parmi"),
        (["watch", "--interval", "abc"], "argument --interval : nombre invalide : 'abc'"),
        (["watch", "--cycles"], "argument --cycles : une valeur est attendue"),
        (["watch", "--cycles", "x"], "argument --cycles : nombre entier invalide : 'x'"),
        (["schema", "--mermaid", "--dot"], "argument --dot : incompatible avec l'argument"),
        (["generer"], "arguments obligatoires : DOSSIER"),
        (["init", "--inconnu"], "arguments inconnus : --inconnu"),
        (["run", "--url", "x"], "option ambiguë : --url peut désigner --url-produits"),
    ],
)
def test_usage_errors_are_french(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Utilisation : ventes")
    assert " : erreur : " in err and expected in err, err
    _french(err.split("\n", 1)[1] if "\n" in err.strip() else err)


def test_every_argparse_message_has_a_translation() -> None:
    """Each English message argparse may give (3.11 to 3.13) comes out French."""
    messages = [
        "the following arguments are required: A, B",
        "unrecognized arguments: --x",
        "one of the arguments --a --b is required",
        "ambiguous option: --u could match --ua, --ub",
        "argument --n: invalid int value: 'x'",
        "argument --f: invalid float value: 'x'",
        "argument --p: invalid Path value: 'x'",
        "argument C: invalid choice: 'z' (choose from 'a', 'b')",
        "argument --o: expected one argument",
        "argument --o: expected at most one argument",
        "argument --o: expected at least one argument",
        "argument --o: expected 2 arguments",
        "argument --b: not allowed with argument --a",
        "argument --v: ignored explicit argument 'x'",
    ]
    for message in messages:
        _french(translate_error(message))
