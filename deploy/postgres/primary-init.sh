#!/bin/bash
# Runs once when the primary's data directory is created: a role for the replicas and a
# pg_hba line that lets them stream.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U postgres -d postgres \
  -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD}'"
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
