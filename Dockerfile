# The Influence Graph API: `docker build -t influence-graph .` (docker-compose.yml runs it with Neo4j).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    INFLUENCE_STORE=/data/influence.db

# the cairo library and a font draw the snapshot PNGs (cairosvg)
RUN apt-get update -q \
    && apt-get install -y -q --no-install-recommends libcairo2 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY core core
COPY ontology ontology
COPY graph graph
COPY loaders loaders
COPY publish publish
COPY service service
COPY api api
RUN pip install . \
    && useradd --system --create-home --home-dir /home/influence influence \
    && mkdir -p /data && chown influence /data

USER influence
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
CMD ["influence", "serve", "--host", "0.0.0.0", "--port", "8000"]
