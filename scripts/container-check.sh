#!/usr/bin/env bash
# `make container-check`: build the API image, bring up deploy/compose.yaml with podman
# and podman-compose, and probe /health, /map and a vector tile through nginx.
#
# Where no container registry is reachable, the base images are made here: one Debian
# bookworm base from the machine's own Debian mirror (mmdebstrap --variant=minbase,
# imported with `podman import`), used by the Dockerfile through PYTHON_IMAGE/NODE_IMAGE
# and by deploy/local/*.Containerfile for PostGIS and nginx. Set CHECK_REGISTRY_IMAGES=1
# to use the registry's images (the compose file's defaults) instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PROJECT=klimawerk-check
PORT=${CHECK_PORT:-8089}
BASE=localhost/klimawerk-debian:bookworm
COMPOSE=(podman-compose -p "$PROJECT" -f deploy/compose.yaml)
# An unprivileged container host cannot raise rlimits ("error setting rlimit type 7:
# operation not permitted"): deploy/local/containers.conf sets none (and runc).
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/deploy/local/containers.conf}

step() { printf '\n== %s\n' "$*"; }

step "tools"
missing=()
for tool in podman podman-compose mmdebstrap runc; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "missing: ${missing[*]} (apt-get install them)"; exit 1; }
  apt-get -o DPkg::Lock::Timeout=900 install -y "${missing[@]}"
fi

if [ "${CHECK_REGISTRY_IMAGES:-0}" != 1 ]; then
  if ! podman image exists "$BASE"; then
    step "base image from Debian packages (mmdebstrap, about a minute)"
    tar=$(mktemp --suffix=.tar)
    # The host's CA bundle, so that pip and npm inside reach the registries as the host does.
    mmdebstrap --variant=minbase --include="$(paste -sd, deploy/local/base-packages)" \
      --customize-hook='cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/"' \
      bookworm "$tar"
    podman import --change 'CMD ["/bin/bash"]' "$tar" "$BASE"
    rm -f "$tar"
  fi
  export PYTHON_IMAGE=$BASE NODE_IMAGE=$BASE
  export POSTGIS_IMAGE=localhost/klimawerk-postgis:check NGINX_IMAGE=localhost/klimawerk-nginx:check
  step "PostGIS and nginx images on that base"
  podman build -q --network host --build-arg BASE_IMAGE="$BASE" \
    -f deploy/local/postgis.Containerfile -t "$POSTGIS_IMAGE" .
  podman build -q --network host --build-arg BASE_IMAGE="$BASE" \
    -f deploy/local/nginx.Containerfile -t "$NGINX_IMAGE" .
fi

export API_IMAGE=localhost/klimawerk-api:check
step "API image (Dockerfile)"
start=$(date +%s)
# Docker format keeps the HEALTHCHECK (OCI images have no field for it).
podman build --format docker --network host \
  --build-arg PYTHON_IMAGE="${PYTHON_IMAGE:-python:3.12-slim-bookworm}" \
  --build-arg NODE_IMAGE="${NODE_IMAGE:-node:22-bookworm-slim}" -t "$API_IMAGE" .
echo "built in $(($(date +%s) - start)) s"
podman image inspect "$API_IMAGE" --format 'user={{.Config.User}} healthcheck={{.Config.Healthcheck.Test}}'

# podman-compose 1.0 has no `config`; tests/test_deploy.py checks the file in `make test`.
if podman-compose config --help >/dev/null 2>&1; then
  step "compose config"
  "${COMPOSE[@]}" config >/dev/null
fi

cleanup() {
  step "down"
  "${COMPOSE[@]}" down -v >/dev/null 2>&1 || true
  rm -f deploy/.compose-check.yaml
}
trap cleanup EXIT
# nginx on CHECK_PORT rather than 8080, which a developer's `make run` may hold.
sed "s/\"8080:80\"/\"$PORT:80\"/" deploy/compose.yaml > "deploy/.compose-check.yaml"
COMPOSE=(podman-compose -p "$PROJECT" -f deploy/.compose-check.yaml)
# podman-compose 1.0 starts every service at once (it ignores depends_on conditions) and
# podman runs health checks from systemd timers, which a container host may lack: so the
# order of the compose file is kept here, and each health check is run by hand until it
# passes, which proves the check itself works in its image.
healthy() {
  local name="${PROJECT}_$1_1"
  for _ in $(seq 1 90); do
    podman healthcheck run "$name" >/dev/null 2>&1 && { echo "$1 healthy"; return 0; }
    sleep 2
  done
  echo "$1 never turned healthy"; podman logs --tail 30 "$name"; return 1
}
step "up: databases"
"${COMPOSE[@]}" up -d primary >/dev/null
healthy primary
"${COMPOSE[@]}" up -d --no-deps replica >/dev/null
healthy replica
step "up: one-shot migration"
"${COMPOSE[@]}" up -d --no-deps migrate >/dev/null
podman wait "${PROJECT}_migrate_1" >/dev/null
code=$(podman inspect "${PROJECT}_migrate_1" --format '{{.State.ExitCode}}')
echo "migrate exited with $code"
[ "$code" = 0 ] || { podman logs --tail 30 "${PROJECT}_migrate_1"; exit 1; }
step "up: APIs and nginx"
"${COMPOSE[@]}" up -d --no-deps api1 api2 >/dev/null
healthy api1
healthy api2
"${COMPOSE[@]}" up -d --no-deps nginx >/dev/null
healthy nginx

base="http://127.0.0.1:$PORT"
podman ps -a --filter "label=io.podman.compose.project=$PROJECT" \
  --format '{{.Names}}\t{{.Status}}'
"${COMPOSE[@]}" exec api1 klimawerk load demo --count 3000 --seed 11 >/dev/null

step "probes"
fail=0
probe() {
  local what=$1 url=$2 want=$3 got
  got=$(curl -s -o /dev/null -w '%{http_code} %{size_download} %{content_type}' \
        -H 'Accept-Encoding: gzip' "$url")
  echo "$what: $got"
  [ "${got%% *}" = "$want" ] || fail=1
}
probe /health "$base/health" 200
probe /map "$base/map" 200
probe "z12 tile" "$base/collections/measures/tiles/WebMercatorQuad/12/2127/1361" 200
probe "100 features" "$base/collections/measures/items?limit=100" 200
step "bytes through nginx (identity -> gzip)"
for path in "/collections/measures/items?limit=100" \
            "/collections/measures/tiles/WebMercatorQuad/12/2127/1361"; do
  plain=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: identity' "$base$path")
  packed=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "$base$path")
  echo "$path: $plain -> $packed"
done
[ $fail -eq 0 ] && echo "container check passed" || { echo "container check FAILED"; exit 1; }
