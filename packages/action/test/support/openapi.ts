import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * GitHub's published OpenAPI description (`@octokit/openapi`), used to check every request the action makes
 * and every response the fake API gives: the operation by method and path template, its path and query
 * parameters, the request body and the response body, each with Ajv.
 */
type Json = Record<string, unknown>;

interface Operation {
  method: string;
  template: string;
  operationId: string;
  regex: RegExp;
  names: string[];
  op: Json;
}

const require = createRequire(import.meta.url);

function loadSpec(): Json {
  return JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as Json;
}

/** `#/components/...` inside a spec fragment → an absolute reference into the spec added to Ajv. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `github${v}` : rebase(v);
  // OpenAPI 3.0: `nullable: true` admits null even beside an `enum` (Ajv wants null listed in the enum).
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  // `nullable: true` without a `type` (a commit's `author`: oneOf user or empty object): Ajv wants it spelled out.
  if (out.nullable === true && out.type === undefined) {
    const rest = { ...out };
    delete rest.nullable;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

export class OpenApiDescription {
  readonly spec: Json;
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly cache = new Map<unknown, ValidateFunction>();

  constructor() {
    this.spec = loadSpec();
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    this.ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
    this.ajv.addFormat('uri', (s: string) => URL.canParse(s));
    this.ajv.addFormat('uri-template', () => true);
    this.ajv.addFormat('email', (s: string) => /^[^@\s]+@[^@\s]+$/.test(s));
    this.ajv.addFormat('date', (s: string) => /^\d{4}-\d\d-\d\d$/.test(s));
    this.ajv.addFormat('binary', () => true);
    this.ajv.addFormat('hostname', () => true);
    this.ajv.addFormat('repo.nwo', () => true);
    this.ajv.addFormat('ssh-key', () => true);
    this.ajv.addFormat('ssh-key fingerprint', () => true);
    this.ajv.addFormat('uuid', (s: string) => /^[0-9a-f-]{36}$/i.test(s));
    this.ajv.addSchema(rebase({ components: (this.spec as { components: Json }).components }) as Json, 'github');
    for (const [template, item] of Object.entries(this.spec.paths as Record<string, Json>)) {
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const regex = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '([^/]+)').replace(/\{[^}]+\}/g, '([^/]+)')}$`);
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        this.operations.push({ method: method.toUpperCase(), template, operationId: String((op as Json).operationId), regex, names, op: op as Json });
      }
    }
  }

  private resolve(obj: unknown): Json {
    let cur = obj as Json;
    for (let i = 0; i < 10 && typeof cur?.$ref === 'string'; i++) {
      const path = (cur.$ref as string).replace(/^#\//, '').split('/');
      let next: unknown = this.spec;
      for (const seg of path) next = (next as Json)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
      cur = next as Json;
    }
    return cur;
  }

  private validator(schema: unknown): ValidateFunction {
    let v = this.cache.get(schema);
    if (!v) {
      v = this.ajv.compile(rebase(schema) as Json);
      this.cache.set(schema, v);
    }
    return v;
  }

  private check(schema: unknown, value: unknown, what: string, problems: string[]): void {
    const v = this.validator(schema);
    if (!v(value)) problems.push(`${what}: ${this.ajv.errorsText(v.errors, { dataVar: what })}`);
  }

  /** The operation a request is for: the literal template wins over a templated one when both match. */
  find(method: string, path: string): { operation: Operation; params: Record<string, string> } | undefined {
    const hits = this.operations
      .filter((o) => o.method === method && o.regex.test(path))
      .sort((a, b) => a.names.length - b.names.length);
    const operation = hits[0];
    if (!operation) return undefined;
    const m = operation.regex.exec(path)!;
    const params: Record<string, string> = {};
    operation.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    return { operation, params };
  }

  private parameters(op: Json): Json[] {
    return ((op.parameters as unknown[]) ?? []).map((p) => this.resolve(p));
  }

  private coerce(schema: Json, raw: string): unknown {
    const t = schema.type;
    if (t === 'integer' || t === 'number') return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    if (t === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
    return raw;
  }

  /** Problems with a request: unknown operation, path or query parameters, body. */
  checkRequest(method: string, path: string, query: URLSearchParams, body: unknown): { operationId?: string; problems: string[] } {
    const problems: string[] = [];
    const found = this.find(method, path);
    if (!found) return { problems: [`${method} ${path}: no such operation in GitHub's OpenAPI description`] };
    const { operation, params } = found;
    const declared = this.parameters(operation.op);
    for (const p of declared.filter((d) => d.in === 'path')) {
      const name = String(p.name);
      this.check(p.schema, this.coerce(p.schema as Json, params[name] ?? ''), `path parameter ${name}`, problems);
    }
    const queryParams = declared.filter((d) => d.in === 'query');
    for (const key of new Set(query.keys())) {
      const p = queryParams.find((q) => q.name === key);
      if (!p) problems.push(`query parameter ${key} is not declared for ${operation.operationId}`);
      else this.check(p.schema, this.coerce(p.schema as Json, query.get(key)!), `query parameter ${key}`, problems);
    }
    for (const p of queryParams) if (p.required && !query.has(String(p.name))) problems.push(`required query parameter ${String(p.name)} is missing`);
    const rb = operation.op.requestBody ? this.resolve(operation.op.requestBody) : undefined;
    if (rb) {
      const schema = ((rb.content as Json)?.['application/json'] as Json | undefined)?.schema;
      if (body === undefined) {
        if (rb.required) problems.push(`${operation.operationId} requires a JSON body`);
      } else if (schema) this.check(schema, body, 'request body', problems);
    } else if (body !== undefined) problems.push(`${operation.operationId} takes no body`);
    return { operationId: operation.operationId, problems: problems.map((p) => `${method} ${path} (${operation.operationId}): ${p}`) };
  }

  /** Problems with a response the fake gives: an undocumented success status, or a body off its schema. */
  checkResponse(method: string, path: string, status: number, body: unknown): string[] {
    const problems: string[] = [];
    const found = this.find(method, path);
    if (!found) return problems;
    const responses = found.operation.op.responses as Record<string, unknown>;
    const documented = responses[String(status)] ? this.resolve(responses[String(status)]) : undefined;
    let schema: unknown;
    if (documented) schema = ((documented.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
    else if (status >= 400) schema = { $ref: '#/components/schemas/basic-error' }; // any endpoint may answer 401, 403, 5xx
    else problems.push(`status ${status} is not documented for ${found.operation.operationId}`);
    if (schema && body !== undefined) this.check(schema, body, `response ${status} body`, problems);
    if (schema && body === undefined && status !== 204) problems.push(`response ${status} has no body`);
    return problems.map((p) => `${method} ${path} (${found.operation.operationId}): ${p}`);
  }

  /** A documented example value (`components.examples`), as a fresh copy. */
  example(name: string): Json {
    const ex = (this.spec as { components: { examples: Record<string, { value: unknown }> } }).components.examples[name];
    if (!ex) throw new Error(`no example ${name}`);
    return structuredClone(ex.value) as Json;
  }

  /** Check a value against a component schema (for fixtures built by tests). */
  problemsWith(component: string, value: unknown): string[] {
    const problems: string[] = [];
    this.check({ $ref: `#/components/schemas/${component}` }, value, component, problems);
    return problems;
  }
}
