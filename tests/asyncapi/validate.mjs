// Parse an AsyncAPI document with the AsyncAPI project's parser; exit 1 on any error.
// Usage: node validate.mjs <document.json>
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const path = process.argv[2];
if (!path) {
  console.error("usage: node validate.mjs <document.json>");
  process.exit(2);
}
const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(path, "utf8"));
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
for (const d of diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning)) {
  const level = d.severity === DiagnosticSeverity.Error ? "error" : "note";
  console.log(`${level}: ${d.code} at /${d.path.join("/")}: ${d.message}`);
}
if (errors.length > 0 || document === undefined) {
  console.log(`invalid: ${errors.length} error(s)`);
  process.exit(1);
}
console.log(`valid: AsyncAPI ${document.version()}, ${document.channels().length} channels, ${document.messages().length} messages`);
