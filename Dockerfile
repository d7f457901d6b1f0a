# The API image; it expects DATABASE_URL to point at a PostGIS 3 database.
# The map's libraries come from the npm registry in a build stage (no CDN at run time).
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
COPY scripts/copy-vendor.mjs ./scripts/
RUN npm ci --omit=dev --no-audit --no-fund && node scripts/copy-vendor.mjs

FROM python:3.11-slim
WORKDIR /srv
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY --from=assets /build/app/web/static/vendor ./app/web/static/vendor
COPY migrations ./migrations
COPY geodata ./geodata
RUN pip install --no-cache-dir -e .
ENV HOST=0.0.0.0 PORT=8000
EXPOSE 8000
CMD ["sh", "-c", "klimawerk db migrate && klimawerk load boundaries && klimawerk serve --workers ${WORKERS:-2}"]
