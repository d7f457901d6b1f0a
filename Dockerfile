# The API image; it expects DATABASE_URL to point at a PostGIS 3 database. Migrations are
# a separate one-shot step (`klimawerk db migrate`, the `migrate` service of
# deploy/compose.yaml), never part of a replica's start, so replicas cannot race.
#
# Base images are build arguments: a registry's current images by default, or a local
# base where no registry is reachable (`make container-check` builds one from Debian).
ARG PYTHON_IMAGE=python:3.12-slim-bookworm
ARG NODE_IMAGE=node:22-bookworm-slim

# The map's libraries come from the npm registry (no CDN at run time).
FROM ${NODE_IMAGE} AS assets
WORKDIR /build
COPY package.json package-lock.json ./
COPY scripts/copy-vendor.mjs scripts/bundle-map.mjs ./scripts/
COPY app/web/static/map ./app/web/static/map/
# esbuild (a dev dependency) bundles the map's modules; nothing of node reaches the image.
RUN npm ci --no-audit --no-fund && node scripts/copy-vendor.mjs && node scripts/bundle-map.mjs

FROM ${PYTHON_IMAGE} AS build
WORKDIR /build
RUN python3 -m venv /opt/klimawerk
# Dependencies first, pinned by the lock file: this layer is rebuilt only when
# pyproject.toml or requirements.lock change, not on every change of the code.
COPY pyproject.toml requirements.lock ./
RUN python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > runtime.txt \
 && /opt/klimawerk/bin/pip install --no-cache-dir -c requirements.lock -r runtime.txt
COPY README.md alembic.ini ./
COPY app ./app
COPY --from=assets /build/app/web/static/vendor ./app/web/static/vendor
COPY migrations ./migrations
COPY geodata ./geodata
# A regular (non-editable) install; the CLI finds alembic.ini, migrations/ and geodata/
# beside the installed `app` package (app.config.PROJECT_ROOT).
RUN /opt/klimawerk/bin/pip install --no-cache-dir --no-deps . \
 && site=$(/opt/klimawerk/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') \
 && cp -r alembic.ini migrations geodata "$site"/

FROM ${PYTHON_IMAGE}
COPY --from=build /opt/klimawerk /opt/klimawerk
RUN useradd --system --uid 10001 --home-dir /srv --create-home klimawerk
USER klimawerk
WORKDIR /srv
ENV PATH=/opt/klimawerk/bin:$PATH HOST=0.0.0.0 PORT=8000 PYTHONDONTWRITEBYTECODE=1
EXPOSE 8000
# The standard library only: the image has no HTTP client of the dev extra.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4)"]
CMD ["sh", "-c", "exec klimawerk serve --workers ${WORKERS:-2}"]
