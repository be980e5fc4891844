# Neo4j 5 with the Graph Data Science plugin baked in from the build context
# (deploy/plugins/), so nothing is downloaded when the container starts: a
# county's network may have no internet. How to obtain the jar:
# deploy/plugins/README.md. Build context: deploy/ (see compose.yaml).
FROM neo4j:5.26
COPY plugins/neo4j-graph-data-science-*.jar /var/lib/neo4j/plugins/
