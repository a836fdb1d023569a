#!/usr/bin/env bash
# Back up the platform: the PostgreSQL database (pg_dump, custom format) and the private files
# (attachments: a tar of PRIVATE_MEDIA_ROOT). Everything else is code or can be rebuilt.
#
#   DATABASE_URL=postgres://... PRIVATE_MEDIA_ROOT=/srv/mentoring/private deploy/backup.sh /backups/2026-12-03
#
# Writes <dir>/database.dump, <dir>/private.tar.gz and <dir>/SHA256SUMS. Safe while the platform
# runs (pg_dump reads one consistent snapshot; files are only ever added under unique names).
# Restore with deploy/restore.sh.
set -euo pipefail

usage() { echo "usage: DATABASE_URL=... PRIVATE_MEDIA_ROOT=... $0 <backup directory>" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${PRIVATE_MEDIA_ROOT:?PRIVATE_MEDIA_ROOT is not set}"
[[ -d "$PRIVATE_MEDIA_ROOT" ]] || { echo "PRIVATE_MEDIA_ROOT $PRIVATE_MEDIA_ROOT is not a directory" >&2; exit 1; }

out=$1
mkdir -p "$out"
# Written under temporary names first, so a backup cut short is never mistaken for a whole one.
pg_dump --format=custom --no-owner --no-privileges --file="$out/database.dump.partial" "$DATABASE_URL"
tar --create --gzip --file="$out/private.tar.gz.partial" --directory="$PRIVATE_MEDIA_ROOT" .
mv "$out/database.dump.partial" "$out/database.dump"
mv "$out/private.tar.gz.partial" "$out/private.tar.gz"
(cd "$out" && sha256sum database.dump private.tar.gz > SHA256SUMS)
echo "Backed up to $out: database.dump, private.tar.gz"
