# The reliefgraph image: CLI and dashboard, installed as a wheel (no source
# tree at run time). Runs as an unprivileged user who can write only its data
# volume /data (graph, rejects, app state when SQLite) and reads agency
# extracts from /extracts. See README "Deploying for a county".
FROM python:3.11-slim

# Only what the package is built from: .dockerignore admits nothing else
# (no .git, .venv, data/, app.db, snapshots, tests).
COPY pyproject.toml README.md /src/
COPY reliefgraph /src/reliefgraph
COPY graph /src/graph
COPY loaders /src/loaders
COPY queries /src/queries
COPY dashboard /src/dashboard
COPY synthetic /src/synthetic
COPY cypher /src/cypher
COPY reports /src/reports
RUN pip install --no-cache-dir /src && rm -rf /src \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin reliefgraph \
 && mkdir -p /data /extracts \
 && chown reliefgraph:reliefgraph /data && chmod 700 /data

ENV RELIEFGRAPH_URI=/data/graph \
    RELIEFGRAPH_APP_DB=sqlite:////data/app.db \
    HOME=/data \
    PYTHONDONTWRITEBYTECODE=1
VOLUME ["/data"]
WORKDIR /data
USER reliefgraph
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)" || exit 1
CMD ["reliefgraph", "--help"]
