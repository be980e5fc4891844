// Reads [{id, query, parameters}] as JSON on stdin; prints
// [{id, diagnostics: [{severity, message, line, column}]}] as JSON on stdout.
// Severity 1 is an error, 2 a warning (LSP numbering).
//
// Every query is checked against Neo4j 5's function and procedure registry,
// with the Graph Data Science and APOC procedures, as the pinned package ships
// it (the catalogue its own tests lint against, taken from a Neo4j 5 server
// with GDS and APOC installed). An unknown function or procedure is an error,
// so a FalkorDB-only call (algo.*, vecf32) or a misspelt GDS endpoint fails.
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const REGISTRY = new URL(
  './node_modules/@neo4j-cypher/language-support/dist/esm/project/language-support/src/tests/testData.js',
  import.meta.url,
);
const { testData } = await import(REGISTRY);
// Neo4j 5 speaks Cypher 5 only; the Cypher 25 half of the catalogue would
// also cost the linter a third more time per query.
const functions = { 'CYPHER 5': testData.mockSchema.functions?.['CYPHER 5'] };
const procedures = { 'CYPHER 5': testData.mockSchema.procedures?.['CYPHER 5'] };
for (const [name, table] of [['functions', functions], ['procedures', procedures]]) {
  const known = Object.keys(table['CYPHER 5'] ?? {});
  // Without these the linter would silently accept any name: refuse to run instead.
  const needed = name === 'functions' ? ['toLower', 'gds.util.asNode', 'gds.graph.project'] : ['gds.wcc.stream', 'db.awaitIndexes'];
  const missing = needed.filter((n) => !known.includes(n));
  if (known.length < 100 || missing.length) {
    process.stderr.write(`the Neo4j 5 ${name} registry is missing from ${REGISTRY} (${missing.join(', ')})\n`);
    process.exit(3);
  }
}

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;

const out = JSON.parse(input).map(({ id, query, parameters }) => {
  // Declaring the parameters keeps every $param from being reported as undefined.
  const { diagnostics } = lintCypherQuery(query, { functions, procedures, parameters: parameters ?? {} });
  return {
    id,
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity,
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    })),
  };
});
process.stdout.write(JSON.stringify(out));
