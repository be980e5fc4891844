# Image for the dashboard and CLI in production (see compose.yaml).
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . && useradd --create-home reliefgraph
USER reliefgraph
EXPOSE 8501
CMD ["reliefgraph", "--help"]
