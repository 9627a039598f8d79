// Validates an OpenAPI 3.1 description: node tests/openapi/validate.mjs api/openapi.yaml
// Checks it against the official OpenAPI 3.1 JSON Schema (@seriousme/openapi-schema-validator), then what that
// schema cannot: every local $ref resolves, every {parameter} of a path template is declared as a path
// parameter (and no path parameter is undeclared in the template), every Schema Object is valid JSON Schema
// 2020-12 (the OpenAPI schema leaves them unchecked), operationIds are unique, and every operation names its
// roles in x-andel-roles. Prints "openapi: valid (N paths)" or the errors, and exits 1.
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import { existsSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node tests/openapi/validate.mjs <openapi.yaml>");
  process.exit(2);
}
if (!existsSync(file)) {
  console.error(`openapi: ${file}: no such file`);
  process.exit(1);
}

const validator = new Validator();
const result = await validator.validate(file);
const spec = validator.specification;
const errors = [];

if (!result.valid) {
  for (const e of [].concat(result.errors ?? [])) {
    errors.push(typeof e === "string" ? e : `${e.instancePath || "/"}: ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`);
  }
}
if (spec && typeof spec === "object") {
  if (!String(spec.openapi ?? "").startsWith("3.1")) errors.push(`/openapi: must be 3.1.x (got ${spec.openapi})`);

  // Local $refs resolve.
  const pointer = (ref) => {
    let node = spec;
    for (const raw of ref.slice(2).split("/")) {
      const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
      if (node === null || typeof node !== "object" || !(key in node)) return undefined;
      node = node[key];
    }
    return node;
  };
  const walk = (node, where) => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${where}/${i}`));
    if (node === null || typeof node !== "object") return;
    if (typeof node.$ref === "string") {
      if (!node.$ref.startsWith("#/")) errors.push(`${where}: external $ref not allowed: ${node.$ref}`);
      else if (pointer(node.$ref) === undefined) errors.push(`${where}: $ref does not resolve: ${node.$ref}`);
    }
    for (const [k, v] of Object.entries(node)) walk(v, `${where}/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`);
  };
  walk(spec, "");

  // Schema Objects against the JSON Schema 2020-12 meta-schema (e.g. type: [string, null] with a bare null).
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const checkSchema = (schema, where) => {
    if (schema === null || typeof schema !== "object" || "$ref" in schema) return;
    if (!ajv.validateSchema(schema))
      for (const e of ajv.errors ?? []) errors.push(`${where}${e.instancePath}: ${e.message}`);
  };
  const findSchemas = (node, where) => {
    if (Array.isArray(node)) return node.forEach((v, i) => findSchemas(v, `${where}/${i}`));
    if (node === null || typeof node !== "object") return;
    for (const [k, v] of Object.entries(node)) {
      const at = `${where}/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      if (k === "schema") checkSchema(v, at);
      else findSchemas(v, at);
    }
  };
  findSchemas(spec.paths ?? {}, "/paths");
  findSchemas({ ...spec.components, schemas: undefined }, "/components");
  for (const [name, schema] of Object.entries(spec.components?.schemas ?? {}))
    checkSchema(schema, `/components/schemas/${name}`);

  const deref = (p) => (p && typeof p.$ref === "string" ? pointer(p.$ref) ?? {} : p ?? {});
  const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
  const operationIds = new Map();
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    const template = new Set([...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
    const shared = (item.parameters ?? []).map(deref);
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const params = [...shared, ...(op.parameters ?? []).map(deref)];
      const declared = new Set(params.filter((p) => p.in === "path").map((p) => p.name));
      for (const name of template)
        if (!declared.has(name)) errors.push(`${where}: path parameter {${name}} is not declared`);
      for (const name of declared)
        if (!template.has(name)) errors.push(`${where}: path parameter ${name} is not in the path`);
      if (!op.operationId) errors.push(`${where}: no operationId`);
      else if (operationIds.has(op.operationId))
        errors.push(`${where}: operationId ${op.operationId} also used by ${operationIds.get(op.operationId)}`);
      else operationIds.set(op.operationId, where);
      if (!Array.isArray(op["x-andel-roles"])) errors.push(`${where}: no x-andel-roles list`);
      if (!op.responses || Object.keys(op.responses).length === 0) errors.push(`${where}: no responses`);
    }
  }
}

if (errors.length > 0) {
  console.error(`openapi: ${file} is not valid:`);
  for (const e of errors) console.error(`  ${e}`);
  process.exit(1);
}
console.log(`openapi: valid (${Object.keys(spec.paths ?? {}).length} paths)`);
