import type { MetricThreshold } from '../policy/types.js';
import type { MetricResult } from './types.js';

/**
 * Evaluation evidence: one JSON file per model version, written by the evaluation run and committed
 * where the policy's `quality_gates[].evidence.path` says.
 *
 * ```json
 * {
 *   "model": "support-chat-model",
 *   "version": "7",
 *   "dataset": { "name": "support-golden-set", "version": "4" },
 *   "commit": "3f9c2a1",
 *   "evaluated_at": "2025-05-02T10:00:00Z",
 *   "metrics": { "groundedness": 4.6, "p95_latency_ms": 820 }
 * }
 * ```
 *
 * `model`, `version`, `dataset` and `metrics` are required. `version` may be a string or a number;
 * `dataset` a name or an object with `name` (and optionally `version`, `path`); `commit` (the commit the
 * evaluation ran on, 7 to 40 hex digits) and `evaluated_at` (ISO date) are optional and shown in the dossier.
 * Every metric is a finite number.
 */
export interface Evidence {
  model: string;
  version: string;
  registry?: string;
  dataset: string;
  commit?: string;
  evaluatedAt?: string;
  metrics: Record<string, number>;
}

export const MAX_EVIDENCE_SIZE = 1024 * 1024;

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Fill in an evidence path template; an error when a value cannot safely be part of a path. */
export function expandEvidencePath(template: string, values: { model?: string; version?: string; environment?: string; workload?: string }): { path: string } | { error: string } {
  let error: string | undefined;
  const path = template.replace(/\{(model|version|environment|workload)\}/g, (_m, key: keyof typeof values) => {
    const v = values[key];
    if (v === undefined) {
      error ??= `the evidence path ${template} needs {${key}}, which this promotion does not have`;
      return '';
    }
    if (!SAFE_SEGMENT.test(v) || v.includes('..')) {
      error ??= `the ${key} '${v}' cannot be used in the evidence path ${template}`;
      return '';
    }
    return v;
  });
  return error ? { error } : { path };
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Parse an evidence file strictly. Every defect comes back as one message naming the field. */
export function parseEvidence(text: string): { evidence: Evidence } | { error: string } {
  if (text.length > MAX_EVIDENCE_SIZE) return { error: `it is over ${MAX_EVIDENCE_SIZE / 1024} KiB` };
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return { error: `it is not valid JSON (${(err as Error).message})` };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { error: 'it is not a JSON object' };
  const o = data as Record<string, unknown>;
  const model = str(o.model);
  if (!model) return { error: 'it has no "model" (the model name)' };
  const version = str(o.version);
  if (!version) return { error: 'it has no "version" (the model version it evaluated)' };
  let dataset: string | undefined;
  if (o.dataset && typeof o.dataset === 'object' && !Array.isArray(o.dataset)) {
    const d = o.dataset as Record<string, unknown>;
    const name = str(d.name) ?? str(d.path);
    if (name) dataset = [name, str(d.version) ? `version ${str(d.version)}` : undefined].filter(Boolean).join(' ');
  } else dataset = str(o.dataset);
  if (!dataset) return { error: 'it has no "dataset" (the data set the metrics were measured on)' };
  let commit: string | undefined;
  if (o.commit !== undefined) {
    commit = str(o.commit);
    if (!commit || !/^[0-9a-f]{7,64}$/i.test(commit)) return { error: '"commit" is not a commit id (7 to 64 hex digits)' };
  }
  let evaluatedAt: string | undefined;
  if (o.evaluated_at !== undefined) {
    evaluatedAt = str(o.evaluated_at);
    if (!evaluatedAt || Number.isNaN(Date.parse(evaluatedAt))) return { error: '"evaluated_at" is not a date' };
  }
  if (!o.metrics || typeof o.metrics !== 'object' || Array.isArray(o.metrics)) return { error: 'it has no "metrics" object' };
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(o.metrics as Record<string, unknown>)) {
    if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
    else return { error: `metric "${k}" is not a finite number` };
  }
  const registry = str(o.registry);
  return { evidence: { model, version, registry, dataset, commit, evaluatedAt, metrics } };
}

/** Compare each metric with its threshold; a missing metric fails. */
export function checkMetrics(evidence: Evidence, thresholds: readonly MetricThreshold[]): MetricResult[] {
  return thresholds.map((t) => {
    const value = Object.prototype.hasOwnProperty.call(evidence.metrics, t.metric) ? evidence.metrics[t.metric] : undefined;
    const bounds = [t.atLeast !== undefined ? `≥ ${t.atLeast}` : undefined, t.atMost !== undefined ? `≤ ${t.atMost}` : undefined].filter(Boolean).join(' and ');
    const base = { metric: t.metric, value, atLeast: t.atLeast, atMost: t.atMost };
    if (value === undefined) return { ...base, state: 'fail', message: `${t.metric} is missing from the evidence (needs ${bounds})` };
    if (t.atLeast !== undefined && value < t.atLeast) return { ...base, state: 'fail', message: `${t.metric} is ${value}, below the minimum ${t.atLeast}` };
    if (t.atMost !== undefined && value > t.atMost) return { ...base, state: 'fail', message: `${t.metric} is ${value}, above the maximum ${t.atMost}` };
    return { ...base, state: 'pass', message: `${t.metric} is ${value} (needs ${bounds})` };
  });
}
