#!/bin/bash
# The part of the postgis/postgis image's entrypoint that deploy/compose.yaml relies on,
# for the image made from Debian packages where no container registry is reachable:
# on first start initdb (password, POSTGRES_DB with PostGIS, the scripts of
# /docker-entrypoint-initdb.d), then run the given command as the postgres user.
set -euo pipefail
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 0700 "$PGDATA"
  exec gosu postgres "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb -D "$PGDATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD")
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  db=${POSTGRES_DB:-postgres}
  [ "$db" = postgres ] || psql -v ON_ERROR_STOP=1 -U postgres -c "CREATE DATABASE \"$db\""
  psql -v ON_ERROR_STOP=1 -U postgres -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis"
  for script in /docker-entrypoint-initdb.d/*.sh; do
    [ -e "$script" ] && bash "$script"
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
fi
exec "$@"
