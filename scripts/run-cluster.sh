#!/usr/bin/env bash
# `make run-cluster`: the embedded primary, its streaming replica (pg_basebackup -R) on
# EMBEDDED_PORT+1, the API with one worker per core reading from the replica, and nginx
# with a tile cache in front on PORT. Ctrl-C stops the API and nginx; the clusters keep
# running (`klimawerk db stop` stops both).
set -euo pipefail
KW=.venv/bin/klimawerk

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

trap '$KW proxy stop >/dev/null || true' EXIT
$KW proxy start --port "$PROXY_PORT" --upstream "127.0.0.1:$API_PORT"
echo "API: $WORKERS workers on 127.0.0.1:$API_PORT, reads from ${DATABASE_REPLICA_URLS:-the primary}"
echo "open http://127.0.0.1:$PROXY_PORT/map"
$KW serve --port "$API_PORT" --workers "$WORKERS"
