# The API image; it expects DATABASE_URL to point at a PostGIS 3 database.
FROM python:3.11-slim
WORKDIR /srv
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY geodata ./geodata
RUN pip install --no-cache-dir -e .
ENV HOST=0.0.0.0 PORT=8000
EXPOSE 8000
CMD ["sh", "-c", "klimawerk db migrate && klimawerk load boundaries && klimawerk serve --workers ${WORKERS:-2}"]
