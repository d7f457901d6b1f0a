#!/usr/bin/env bash
# `make run-cluster`: the embedded primary, its streaming replica (pg_basebackup -R) on
# EMBEDDED_PORT+1, the API with one worker per core reading from the replica, and nginx
# with a tile cache in front on PORT. Ctrl-C stops the API and nginx; the clusters keep
# running (`klimawerk db stop` stops both). The primary archives its WAL (.data/wal-archive
# or WAL_ARCHIVE_DIR) and gets a base backup at each start: `klimawerk db recover` can
# bring back any moment since the oldest kept one (README, "Operations").
set -euo pipefail
KW=.venv/bin/klimawerk

$KW db start
if [ -z "${DATABASE_URL:-}" ]; then
  # Before the replica: switching archiving on restarts the primary once.
  $KW db basebackup
fi
$KW db start --replica
# Ports and URLs as the settings (.env, environment) give them.
eval "$(.venv/bin/python - <<'PY'
from app.config import get_settings
from app.db.cluster import embedded_cluster
s = get_settings()
if s.uses_embedded_cluster:  # else DATABASE_URL and DATABASE_REPLICA_URLS stay as given
    primary = embedded_cluster(s)
    print(f"export DATABASE_URL='{primary.failover_url}'")
    print(f"export DATABASE_REPLICA_URLS='{primary.replica().url}'")
print(f"PROXY_PORT={s.port}; API_PORT={s.port + 1}")
PY
)"
WORKERS=${WORKERS:-$(nproc)}
# nginx runs here: its X-Forwarded-For names the client for the budgets of the API.
export TRUSTED_PROXIES=${TRUSTED_PROXIES:-127.0.0.1}

$KW serve --port "$API_PORT" --workers "$WORKERS" &
API_PID=$!
trap 'kill $API_PID 2>/dev/null || true; $KW proxy stop >/dev/null || true' EXIT
# nginx takes traffic once the API is ready: the primary answers with PostGIS, the
# boundaries and the current migration.
until .venv/bin/python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$API_PORT/health/ready', timeout=2)" 2>/dev/null; do
  kill -0 $API_PID 2>/dev/null || { echo "the API did not start"; exit 1; }
  sleep 0.5
done
$KW proxy start --port "$PROXY_PORT" --upstream "127.0.0.1:$API_PORT"
echo "API: $WORKERS workers on 127.0.0.1:$API_PORT, reads from ${DATABASE_REPLICA_URLS:-the primary}"
echo "open http://127.0.0.1:$PROXY_PORT/map"
wait $API_PID
