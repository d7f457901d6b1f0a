#!/bin/bash
# A streaming replica: on first start copy the primary with pg_basebackup -R (which
# writes standby.signal and primary_conninfo), then run PostgreSQL as the image does.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 0700 "$PGDATA"
  until pg_isready -h primary -U postgres; do sleep 1; done
  PGPASSWORD="$REPLICATION_PASSWORD" gosu postgres \
    pg_basebackup -h primary -U replicator -D "$PGDATA" -R -X stream -c fast
fi
exec docker-entrypoint.sh postgres -c hot_standby_feedback=on
