// Reads [{id, query, parameters}] as JSON on stdin; prints
// [{id, diagnostics: [{severity, message, line, column}]}] as JSON on stdout.
// Severity 1 is an error, 2 a warning (LSP numbering).
import { lintCypherQuery } from '@neo4j-cypher/language-support';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;

const out = JSON.parse(input).map(({ id, query, parameters }) => {
  // Declaring the parameters keeps every $param from being reported as undefined.
  const { diagnostics } = lintCypherQuery(query, { parameters: parameters ?? {} });
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
