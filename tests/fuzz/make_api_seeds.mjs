// Writes the seed corpus of andel_api_fuzz: one request per operation of api/openapi.yaml, with a body built
// from the operation's request schema (its examples where it has them, else a value of each property's type);
// and its dictionary: the paths' segments, the properties' names and the enums' values.
//   node tests/fuzz/make_api_seeds.mjs api/openapi.yaml tests/fuzz/corpus/api tests/fuzz/api.dict
// Run it again when routes are added; the fuzzer goes on from whatever the seeds reach.
import { Validator } from "@seriousme/openapi-schema-validator";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [file, out, dict] = process.argv.slice(2);
if (!file || !out || !dict) {
  console.error("usage: node tests/fuzz/make_api_seeds.mjs <openapi.yaml> <corpus dir> <dictionary>");
  process.exit(2);
}
const validator = new Validator();
await validator.validate(file);
const spec = validator.specification;

// Values the demo dataset has (tests/http/roles_test.cpp uses the same), for path parameters and for
// properties named like them.
const known = {
  member_number: "33216744", participant: "33216744", number: "33216744", card_number: "6047000000000010",
  card: "6047000000000010", market: "dk", ean: "5701234000013", partner_code: "dk-synoptik", sale_id: "S-1",
  store_code: "dk-odense-1", home_store: "dk-odense-1", store: "dk-odense-1", purpose: "tracking_cookies",
  session_id: "0000000000000000", order_number: "P00000001", currency: "DKK", language: "da",
  national_id: "0707901234", email: "fuzz@example.org", phone: "+4520000001", login: "anna@example.org",
  password: "andel-demo", category: "groceries", kind: "card",
};

const resolve = (node) => {
  while (node && node.$ref) node = node.$ref.slice(2).split("/").reduce((n, k) => n[k], spec);
  return node;
};

const words = new Set();
function valueOf(schema, name, depth = 0) {
  schema = resolve(schema) ?? {};
  for (const value of schema.enum ?? []) words.add(JSON.stringify(value));
  if (schema.examples?.length) return schema.examples[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const variant = schema.oneOf ?? schema.anyOf;
  if (variant) return valueOf(variant[0], name, depth);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => valueOf(s, name, depth)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "object" || schema.properties) {
    const object = {};
    if (depth > 4) return object;
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      words.add(JSON.stringify(key));
      object[key] = valueOf(property, key, depth + 1);
    }
    return object;
  }
  if (type === "array") return depth > 4 ? [] : [valueOf(schema.items, name, depth + 1)];
  if (type === "integer" || type === "number") return schema.minimum ?? Math.max(1, schema.exclusiveMinimum + 1 || 1);
  if (type === "boolean") return true;
  if (name in known) return known[name];
  if (schema.format === "date-time") return "2026-11-23T10:00:00Z";
  if (schema.format === "date") return "2026-11-23";
  if (schema.format === "email") return known.email;
  return "x";
}

mkdirSync(out, { recursive: true });
let written = 0;
for (const [path, item] of Object.entries(spec.paths)) {
  for (const segment of path.split("/")) if (segment && !segment.startsWith("{")) words.add(`/${segment}`);
  for (const method of ["get", "post", "put", "patch", "delete"]) {
    const operation = item[method];
    if (!operation) continue;
    const target = path.replace(/\{(\w+)\}/g, (_, p) => known[p] ?? "1");
    let head = `${method.toUpperCase()} ${target}\n`;
    let body = "";
    const content = resolve(operation.requestBody)?.content ?? {};
    const [type, media] = Object.entries(content)[0] ?? [];
    if (type === "application/json") {
      body = JSON.stringify(valueOf(media.schema, ""));
    } else if (type) {
      head += `content-type: ${type}\n`;
      const schema = resolve(media.schema) ?? {};
      body = schema.examples?.[0] ?? media.example ?? "";
    }
    const name = `${operation.operationId ?? method + path.replace(/\W+/g, "_")}`;
    writeFileSync(join(out, name), `${head}\n${body}`);
    ++written;
  }
}
// libFuzzer's dictionary format: one quoted string a line, with \\ and \" escaped.
const quote = (word) => `"${word.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
writeFileSync(dict, [...words].sort().map(quote).join("\n") + "\n");
console.log(`${written} seeds in ${out}, ${words.size} words in ${dict}`);
