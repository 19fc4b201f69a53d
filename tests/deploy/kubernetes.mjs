// Validate Kubernetes resources with validators generated from the Kubernetes OpenAPI
// (kubernetes-models) and from Strimzi's CRDs (@kubernetes-models/strimzi-kafka-operator).
// Usage: node validate.mjs <resources.json>, a JSON list of {"source": "...", "resource": {...}}.
// Exit 0 when every resource is valid, 1 otherwise (one "error:" line per problem).
//
// The generated validators check types, enums, formats and required fields, but, like the
// OpenAPI schemas they come from, accept any unknown field; the API server would prune it
// or, with kubectl's strict field validation, refuse it. So each resource is validated
// through proxies that record which fields the validator reads: a validator reads every
// field its schema declares, so a field it never read is one the schema does not know. An
// object whose fields it never looked at (a free-form map such as a topic's `config`) is
// left alone, as the schema does.
import { readFile } from "node:fs/promises";

function watched(value, path, objects) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item, i) => watched(item, `${path}/${i}`, objects));
  const record = { path, keys: Object.keys(value), read: new Set(), enumerated: false };
  objects.push(record);
  const target = {};
  for (const [key, item] of Object.entries(value)) target[key] = watched(item, `${path}/${key}`, objects);
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === "string") record.read.add(key);
      return Reflect.get(t, key, receiver);
    },
    has(t, key) {
      if (typeof key === "string") record.read.add(key);
      return Reflect.has(t, key);
    },
    ownKeys(t) {
      record.enumerated = true; // a map: every key is checked against additionalProperties
      return Reflect.ownKeys(t);
    },
  });
}

function modulePath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group.endsWith("strimzi.io")) return `@kubernetes-models/strimzi-kafka-operator/${group}/${version}/${kind}`;
  return `kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`;
}

async function problems(resource) {
  const { apiVersion, kind } = resource ?? {};
  if (typeof apiVersion !== "string" || typeof kind !== "string") return ["no apiVersion and kind"];
  let model;
  try {
    model = (await import(modulePath(apiVersion, kind)))[kind];
  } catch {
    return [`no schema for ${apiVersion} ${kind}`];
  }
  if (!model) return [`no schema for ${apiVersion} ${kind}`];
  const objects = [];
  const found = [];
  try {
    model.prototype.validate.call(watched(resource, "", objects));
  } catch (error) {
    found.push(error.message);
  }
  for (const { path, keys, read, enumerated } of objects) {
    if (enumerated || read.size === 0) continue;
    for (const key of keys) if (!read.has(key)) found.push(`${path}/${key} is not a field of ${kind}`);
  }
  return found;
}

const path = process.argv[2];
if (!path) {
  console.error("usage: node validate.mjs <resources.json>");
  process.exit(2);
}
const entries = JSON.parse(await readFile(path, "utf8"));
let invalid = 0;
for (const { source, resource } of entries) {
  const found = await problems(resource);
  const label = `${source} ${resource?.kind}/${resource?.metadata?.name}`;
  if (found.length === 0) continue;
  invalid++;
  for (const problem of found) console.log(`error: ${label}: ${problem}`);
}
console.log(`${invalid === 0 ? "valid" : "invalid"}: ${entries.length} resources, ${invalid} invalid`);
process.exit(invalid === 0 ? 0 : 1);
