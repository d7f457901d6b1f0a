#!/bin/bash
# Base backups of the primary for point-in-time recovery, beside its WAL archive: one at
# start and then every BASE_BACKUP_INTERVAL_S (default a day); the newest
# BACKUP_RETENTION (default 7) are kept, with the archived WAL from the oldest of them on.
set -euo pipefail
ARCHIVE=/wal-archive
export PGPASSWORD="${REPLICATION_PASSWORD}"
until pg_isready -h primary -U replicator -d postgres; do sleep 2; done
while true; do
  label=$(date -u +%Y%m%dT%H%M%SZ)
  pg_basebackup -h primary -U replicator -D "$ARCHIVE/base/$label.partial" \
    -Ft -z -X fetch -c fast -l "$label"
  mv "$ARCHIVE/base/$label.partial" "$ARCHIVE/base/$label"
  ls -1d "$ARCHIVE"/base/*Z | head -n -"${BACKUP_RETENTION:-7}" | xargs -r rm -rf
  oldest=$(ls -1d "$ARCHIVE"/base/*Z | head -n 1 | xargs basename)
  history=$(grep -l "LABEL: $oldest" "$ARCHIVE"/wal/*.backup | head -n 1 || true)
  if [ -n "$history" ]; then pg_archivecleanup "$ARCHIVE/wal" "$(basename "$history")"; fi
  sleep "${BASE_BACKUP_INTERVAL_S:-86400}"
done
