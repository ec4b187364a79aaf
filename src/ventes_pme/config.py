"""Configuration : tous les réglages au même endroit (option > variable d'environnement > défaut).

All configuration in one place: a CLI option wins over an environment variable,
which wins over the default."""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ventes_pme import french
from ventes_pme.errors import ConfigError

GOOGLE_BASE = (
    "https://docs.google.com/spreadsheets/d/e/"
    "2PACX-1vSawI56WBC64foMT9pKCiY594fBZk9Lyj8_bxfgmq-8ck_jw1Z49qDeMatCWqBxehEVoM6U1zdYx73V/pub"
)
DEFAULT_URLS = {
    "produits": f"{GOOGLE_BASE}?gid=0&single=true&output=csv",
    "magasins": f"{GOOGLE_BASE}?gid=714623615&single=true&output=csv",
    "ventes": f"{GOOGLE_BASE}?gid=760830694&single=true&output=csv",
}
SOURCES = ("produits", "magasins", "ventes")


@dataclass(frozen=True)
class Settings:
    """Every setting of the pipeline. Build it with :meth:`Settings.load`."""

    db_path: Path = Path("data/ventes.db")
    url_produits: str = DEFAULT_URLS["produits"]
    url_magasins: str = DEFAULT_URLS["magasins"]
    url_ventes: str = DEFAULT_URLS["ventes"]
    #: seconds to wait for a connection, then for each read
    timeout: float = 30.0
    #: attempts for a download (connection errors and HTTP 5xx are retried), at most
    #: :data:`MAX_ATTEMPTS`
    attempts: int = 3
    #: first pause between attempts, doubled each time (seconds)
    backoff: float = 0.5
    #: a download taking longer than this is abandoned (seconds)
    max_duration: float = 600.0
    #: a download larger than this is refused (bytes)
    max_bytes: int = 2 * 1024**3
    #: URL schemes a source may use
    allowed_schemes: tuple[str, ...] = ("https", "http", "file")
    #: how long an import waits for another one holding the database (seconds)
    lock_timeout: float = 600.0
    #: city -> region CSV replacing the one shipped with the package
    regions_path: Path | None = None
    #: show a progress display on standard error (None: only on a terminal)
    progress: bool | None = None
    #: seconds between two cycles of ``ventes watch``
    watch_interval: float = 300.0
    #: folder where ``ventes run`` and each ``watch`` cycle that changes the data rewrite the
    #: note and the HTML report (None: not written; /data/rapport in Docker)
    rapport_dir: Path | None = None

    def url(self, source: str) -> str:
        return str(getattr(self, f"url_{source}"))

    @classmethod
    def load(
        cls, overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
    ) -> Settings:
        """Resolve the settings: ``overrides`` (CLI options or Python values, None = not
        given), then the ``VENTES_*`` environment variables, then the defaults.

        A value given as text is converted exactly as the environment variable would be
        (``{"db_path": "data/ventes.db"}`` gives a :class:`~pathlib.Path`); every value is
        then checked (:meth:`check`)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name, (var, convert) in ENV_VARS.items():
            raw = env.get(var)
            if raw is not None and raw.strip() != "":
                values[name] = _convert(convert, raw, var)
        for name, value in (overrides or {}).items():
            if value is not None:
                values[name] = _coerce(name, value)
        settings = replace(cls(), **values)
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse a value no run could use (ConfigError, exit 2). Durations must be finite
        numbers of seconds up to :data:`MAX_SECONDS`: ``nan`` passes a "> 0" test and an
        infinite one overflows the clocks."""
        for name, (var, _convert) in ENV_VARS.items():
            value = getattr(self, name)
            if name in _DURATIONS and not (math.isfinite(value) and 0 <= value <= MAX_SECONDS):
                label = "--interval ou VENTES_INTERVALLE" if name == "watch_interval" else var
                raise ConfigError(
                    f"Valeur invalide pour {label} : {value!r} (attendu : un nombre fini de "
                    f"secondes, de 0 à {MAX_SECONDS})."
                )
        if self.timeout <= 0:
            raise ConfigError("Le délai d'attente doit être positif.")
        if not 1 <= self.attempts <= MAX_ATTEMPTS:
            raise ConfigError(
                f"Valeur invalide pour VENTES_TENTATIVES : {self.attempts} (attendu : un "
                f"nombre entier de 1 à {MAX_ATTEMPTS})."
            )
        if self.max_duration <= 0:
            raise ConfigError("La durée maximale d'un téléchargement doit être positive.")
        if self.max_bytes < 1:
            raise ConfigError("La taille maximale doit être positive.")
        if self.watch_interval <= 0:
            raise ConfigError("L'intervalle de surveillance doit être positif.")


#: the longest duration a setting may give, in seconds (about 23 days): SQLite's busy
#: timeout counts milliseconds in a 32-bit integer
MAX_SECONDS = 2_000_000
#: the most attempts a download may make: far more than a passing failure needs, and each
#: pause between two of them (doubled each time) stays a number a clock can hold
MAX_ATTEMPTS = 100
_DURATIONS = {"timeout", "backoff", "max_duration", "lock_timeout", "watch_interval"}


def folder_problem(path: Path, *, writable: bool = True) -> str | None:
    """Why ``path`` cannot be a folder to write into (in French), or None when it can: it,
    or a folder on its way, is a file (or a device…); with ``writable``, the folder that
    would hold it (itself when it exists) cannot be written into. Reads only: nothing is
    created. A root user may write anywhere but on a read-only file system."""
    for folder in (path, *path.parents):
        try:
            mode = folder.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue  # (a file on the way is found further up)
        except OSError as exc:
            return f"« {folder} » est inaccessible ({french.explain(exc)})"
        if not stat.S_ISDIR(mode):
            if folder == path:
                return f"« {path} » n'est pas un dossier"
            return f"« {folder} » n'est pas un dossier : « {path} » ne peut pas y être créé"
        if writable and not os.access(folder, os.W_OK | os.X_OK):
            return f"pas le droit d'écrire dans « {folder} »"
        return None
    return None


def check_folder(path: Path, label: str) -> None:
    """Refuse at once (ConfigError, exit 2) a folder that cannot be written into (see
    :func:`folder_problem`), before any work; ``label``: how the user gave it."""
    problem = folder_problem(path)
    if problem is not None:
        raise ConfigError(f"{label} : {problem}.")


def _convert(convert: Any, raw: str, what: str) -> Any:
    try:
        return convert(raw.strip())
    except ValueError as exc:
        raise ConfigError(
            f"Valeur invalide pour {what} : {raw!r} ({french.explain(exc)})."
        ) from exc


def _coerce(name: str, value: Any) -> Any:
    """A value given to :meth:`Settings.load`, converted like its environment variable."""
    if name not in ENV_VARS:
        known = ", ".join(sorted(ENV_VARS))
        raise ConfigError(f"Réglage inconnu : {name!r} (réglages : {known}).")
    var, convert = ENV_VARS[name]
    if isinstance(value, str):
        return _convert(convert, value, f"{name} ({var})")
    if isinstance(value, os.PathLike) and convert in (Path, str):
        return convert(os.fspath(value))  # a local path is also an address
    if convert is _finite and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if convert is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if convert is _bool and isinstance(value, bool):
        return value
    if convert is _schemes and isinstance(value, list | tuple):
        return _convert(convert, ",".join(map(str, value)), f"{name} ({var})")
    raise ConfigError(f"Valeur invalide pour {name} ({var}) : {value!r}.")


def _finite(raw: str) -> float:
    value = float(raw)  # the message of a ValueError says which text was refused
    if not math.isfinite(value):
        raise ValueError("attendu : un nombre fini")
    return value


def _schemes(raw: str) -> tuple[str, ...]:
    schemes = tuple(s.strip().lower() for s in raw.split(",") if s.strip())
    unknown = set(schemes) - {"http", "https", "file"}
    if unknown:
        raise ValueError(f"schémas inconnus : {', '.join(sorted(unknown))}")
    return schemes


def _bool(raw: str) -> bool:
    if raw.lower() in {"1", "oui", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "non", "false", "no", "off"}:
        return False
    raise ValueError("attendu : oui ou non")


ENV_VARS: dict[str, tuple[str, Any]] = {
    "db_path": ("VENTES_DB", Path),
    "url_produits": ("VENTES_URL_PRODUITS", str),
    "url_magasins": ("VENTES_URL_MAGASINS", str),
    "url_ventes": ("VENTES_URL_VENTES", str),
    "timeout": ("VENTES_TIMEOUT", _finite),
    "attempts": ("VENTES_TENTATIVES", int),
    "backoff": ("VENTES_PAUSE", _finite),
    "max_bytes": ("VENTES_TAILLE_MAX", int),
    "max_duration": ("VENTES_DUREE_MAX", _finite),
    "allowed_schemes": ("VENTES_SCHEMAS", _schemes),
    "lock_timeout": ("VENTES_ATTENTE_VERROU", _finite),
    "regions_path": ("VENTES_REGIONS", Path),
    "progress": ("VENTES_PROGRESSION", _bool),
    "watch_interval": ("VENTES_INTERVALLE", _finite),
    "rapport_dir": ("VENTES_RAPPORT", Path),
}
assert set(ENV_VARS) == {f.name for f in fields(Settings)}
