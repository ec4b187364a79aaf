#!/bin/sh
# Entry point of the `sauvegarde` service (compose.yaml): Litestream on /data/ventes.db.
#
#   repliquer (the default)  replicate continuously to VENTES_SAUVEGARDE_URL
#   restaurer [-timestamp T | -txid X]
#                            restore the latest replica (or the state at T) into
#                            /data/ventes.db; refused when a database is already there
#   verifier                 restore the latest replica into /tmp, check it, summarise it
#   anything else            passed to litestream (ltx /data/ventes.db, status, restore ...)
#
# Messages for the user are in French, as everywhere in ventes-pme.
set -eu

DB=/data/ventes.db

: "${VENTES_SAUVEGARDE_URL:=file:///sauvegardes/ventes.db}"
: "${VENTES_SAUVEGARDE_RETENTION:=168h}"
: "${VENTES_SAUVEGARDE_CLE_HOTE:=}"
VENTES_SAUVEGARDE_CLE_SSH=
# The credentials file (compose.yaml's secret; empty when none is given): for S3, a
# credentials file in AWS's format; for SFTP, the SSH private key.
IDENTIFIANTS=/run/secrets/sauvegarde_identifiants
if [ -s "$IDENTIFIANTS" ]; then
    case "$VENTES_SAUVEGARDE_URL" in
        s3://*) export AWS_SHARED_CREDENTIALS_FILE="$IDENTIFIANTS" ;;
        sftp://*) VENTES_SAUVEGARDE_CLE_SSH="$IDENTIFIANTS" ;;
    esac
elif [ -e "$IDENTIFIANTS" ] && [ ! -r "$IDENTIFIANTS" ]; then
    echo "sauvegarde : erreur : le fichier d'identifiants (VENTES_SAUVEGARDE_IDENTIFIANTS)" \
        "n'est pas lisible par l'utilisateur 10001 du service : donnez-lui le droit de lecture." >&2
    exit 1
fi
export VENTES_SAUVEGARDE_URL VENTES_SAUVEGARDE_RETENTION VENTES_SAUVEGARDE_CLE_SSH \
    VENTES_SAUVEGARDE_CLE_HOTE

erreur() {
    echo "sauvegarde : erreur : $*" >&2
    exit 1
}

# A summary of a database file: integrity, sales, imports, analyses (Python's sqlite3,
# read-only).
resume() {
    python3 - "$1" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
(integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
(sales,) = conn.execute("SELECT count(*) FROM sales").fetchone()
imports, last = conn.execute("SELECT count(*), max(started_at) FROM import_runs").fetchone()
(analyses,) = conn.execute("SELECT count(*) FROM analysis_runs").fetchone()
print(
    f"intégrité : {integrity} ; ventes : {sales} ; imports : {imports} ; "
    f"analyses : {analyses} ; dernier import : {last}"
)
sys.exit(0 if integrity == "ok" else 1)
PY
}

restaurer() {
    # Never over a database, nor beside what is left of one (its WAL would be applied to
    # the restored file): the user decides what to do with them.
    for file in "$DB" "$DB-wal"; do
        if [ -s "$file" ]; then
            erreur "« $file » existe déjà : la restauration ne remplace jamais une base" \
                "existante, rien n'a été modifié. Si elle est bien perdue ou abîmée, mettez-la" \
                "de côté (ou supprimez le volume « donnees ») puis relancez « restaurer »."
        fi
    done
    rm -f "$DB" "$DB-wal" "$DB-shm"
    # Litestream's position in a database that no longer exists.
    rm -rf "/data/.ventes.db-litestream"
    echo "Restauration de $DB depuis $VENTES_SAUVEGARDE_URL…"
    # -if-replica-exists: an empty replica is not Litestream's error but the one below.
    if ! litestream restore -if-replica-exists "$@" "$DB"; then
        rm -f "$DB" "$DB.tmp"
        erreur "la restauration a échoué (voir le message de Litestream ci-dessus) : aucune" \
            "base n'a été écrite. Vérifiez VENTES_SAUVEGARDE_URL et l'accès à la sauvegarde."
    fi
    [ -s "$DB" ] || erreur "aucune sauvegarde trouvée à $VENTES_SAUVEGARDE_URL (ou aucune" \
        "à cet instant) : aucune base n'a été écrite."
    chmod 600 "$DB"
    summary=$(resume "$DB") || erreur "la base restaurée ne passe pas le contrôle" \
        "d'intégrité : $summary. Essayez un instant antérieur (restaurer -timestamp …)."
    echo "Base restaurée : $summary"
}

verifier() {
    copy=$(mktemp -d)/verification.db
    litestream restore -if-replica-exists -o "$copy" "$DB" >/dev/null \
        || erreur "impossible de lire la sauvegarde $VENTES_SAUVEGARDE_URL."
    [ -s "$copy" ] || erreur "aucune sauvegarde trouvée à $VENTES_SAUVEGARDE_URL."
    summary=$(resume "$copy") || erreur "la copie restaurée est abîmée : $summary"
    rm -rf "$(dirname "$copy")"
    echo "Sauvegarde vérifiée ($VENTES_SAUVEGARDE_URL) : $summary"
}

command=${1:-repliquer}
[ $# -eq 0 ] || shift
case "$command" in
    repliquer) exec litestream replicate ;;
    restaurer) restaurer "$@" ;;
    verifier) verifier ;;
    *) exec litestream "$command" "$@" ;;
esac
