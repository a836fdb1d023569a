#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the database of DATABASE_URL (which must exist,
# and should be empty: a new database, or one you mean to overwrite) and PRIVATE_MEDIA_ROOT.
#
#   createdb mentoring_restored
#   DATABASE_URL=postgres://.../mentoring_restored PRIVATE_MEDIA_ROOT=/srv/mentoring/private \
#       deploy/restore.sh /backups/2026-12-03
#
# Stop the web nodes, workers and beat first; start them again afterwards (no migrate needed
# unless the code is newer than the backup).
set -euo pipefail

usage() { echo "usage: DATABASE_URL=... PRIVATE_MEDIA_ROOT=... $0 <backup directory>" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${PRIVATE_MEDIA_ROOT:?PRIVATE_MEDIA_ROOT is not set}"

backup=$1
for file in database.dump private.tar.gz; do
    [[ -f "$backup/$file" ]] || { echo "$backup/$file is missing: not a complete backup" >&2; exit 1; }
done
if [[ -f "$backup/SHA256SUMS" ]]; then
    (cd "$backup" && sha256sum --check --quiet SHA256SUMS) || { echo "$backup: checksums do not match" >&2; exit 1; }
fi

pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$DATABASE_URL" "$backup/database.dump"
mkdir -p "$PRIVATE_MEDIA_ROOT"
tar --extract --gzip --file="$backup/private.tar.gz" --directory="$PRIVATE_MEDIA_ROOT"
echo "Restored $backup into the database and $PRIVATE_MEDIA_ROOT"
