import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenApiDescription } from './openapi.js';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  operationId?: string;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: FakeRequest, ctx: { baseUrl: string; count: number }) => FakeResponse | Promise<FakeResponse>;

export interface Exchange extends FakeRequest {
  status: number;
  responseBody: unknown;
}

let shared: OpenApiDescription | undefined;

/** One description per test file: loading and compiling it is the slow part. */
export function openApi(): OpenApiDescription {
  return (shared ??= new OpenApiDescription());
}

/**
 * GitHub's REST API on loopback: handlers by operation id, and every request and response checked against
 * the OpenAPI description. Mismatches are collected in `violations` (tests assert there are none).
 */
export class FakeGitHub {
  readonly exchanges: Exchange[] = [];
  readonly violations: string[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly counts = new Map<string, number>();
  private server?: Server;
  baseUrl = '';

  constructor(
    readonly api: OpenApiDescription = openApi(),
    private readonly expectedToken?: string,
  ) {}

  on(operationId: string, handler: Handler): this {
    this.handlers.set(operationId, handler);
    return this;
  }

  calls(operationId: string): Exchange[] {
    return this.exchanges.filter((e) => e.operationId === operationId);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        this.violations.push(`${method} ${url.pathname}: the body is not JSON`);
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) this.violations.push(`${method} ${url.pathname}: a body without a JSON content type`);
    }
    if (!req.headers['user-agent']) this.violations.push(`${method} ${url.pathname}: no User-Agent (GitHub refuses such requests)`);
    if (req.headers['x-github-api-version'] !== '2022-11-28') this.violations.push(`${method} ${url.pathname}: API version header ${String(req.headers['x-github-api-version'])}`);
    if (this.expectedToken !== undefined && req.headers.authorization !== `Bearer ${this.expectedToken}`) this.violations.push(`${method} ${url.pathname}: authorization header ${String(req.headers.authorization)}`);

    const checked = this.api.checkRequest(method, url.pathname, url.searchParams, body);
    this.violations.push(...checked.problems);
    const request: FakeRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body, operationId: checked.operationId };
    const handler = checked.operationId ? this.handlers.get(checked.operationId) : undefined;
    let reply: FakeResponse;
    if (!handler) {
      this.violations.push(`${method} ${url.pathname}: no handler for ${checked.operationId ?? 'an unknown operation'}`);
      reply = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };
    } else {
      const count = (this.counts.get(checked.operationId!) ?? 0) + 1;
      this.counts.set(checked.operationId!, count);
      try {
        reply = await handler(request, { baseUrl: this.baseUrl, count });
      } catch (err) {
        this.violations.push(`handler for ${checked.operationId} threw: ${(err as Error).message}`);
        reply = { status: 500, body: { message: 'fake handler failed' } };
      }
    }
    this.violations.push(...this.api.checkResponse(method, url.pathname, reply.status, reply.body));
    this.exchanges.push({ ...request, status: reply.status, responseBody: reply.body });
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3; format=json', ...reply.headers });
    res.end(text);
  }
}

/** GitHub's error body. */
export function errorBody(status: number, message: string, doc = 'https://docs.github.com/rest'): { message: string; documentation_url: string; status: string } {
  return { message, documentation_url: doc, status: String(status) };
}
