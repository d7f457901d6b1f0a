#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the registry needs, when they are missing.
# As root it uses apt-get directly, otherwise `sudo -n`; without either it names the
# packages and stops, so that a user can install them by hand.
set -euo pipefail

need=()
have_postgis=no
for control in /usr/share/postgresql/*/extension/postgis.control; do
  [ -e "$control" ] && have_postgis=yes
done
[ "$have_postgis" = yes ] || need+=(postgis)
for tool in "$@"; do
  case "$tool" in
    gdal) command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin) ;;
    chromium) command -v chromium >/dev/null 2>&1 || need+=(chromium) ;;
    poppler) command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils) ;;
    node) command -v npm >/dev/null 2>&1 || need+=(nodejs npm) ;;
    wrk) command -v wrk >/dev/null 2>&1 || need+=(wrk) ;;
    nginx) [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx-light) ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run=(sudo -n)
else
  echo "Missing system packages: ${need[*]}" >&2
  echo "Install them (e.g. sudo apt-get install ${need[*]/#postgis/postgresql-15-postgis-3})," >&2
  echo "or set DATABASE_URL to an existing PostGIS database and rerun." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
packages=()
for p in "${need[@]}"; do
  if [ "$p" = postgis ]; then
    # The server version that is already installed, else the distribution's default.
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
    if [ -n "$version" ] && apt-cache show "postgresql-$version-postgis-3" >/dev/null 2>&1; then
      packages+=("postgresql-$version-postgis-3")
    else
      packages+=(postgresql postgis)
    fi
  else
    packages+=("$p")
  fi
done
echo "Installing: ${packages[*]}"
"${run[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null
