import { describe, expect, it } from 'vitest';
import { checkMetrics, expandEvidencePath, parseEvidence } from './evidence.js';

describe('evidence path templates', () => {
  it('fills in model, version, environment and workload', () => {
    expect(expandEvidencePath('evaluation/{model}/{environment}-{version}.json', { model: 'chat', version: '7', environment: 'prod' })).toEqual({ path: 'evaluation/chat/prod-7.json' });
  });

  it('refuses values that would leave the folder or are missing', () => {
    expect(expandEvidencePath('e/{model}.json', { model: '../../etc/passwd' })).toEqual({ error: "the model '../../etc/passwd' cannot be used in the evidence path e/{model}.json" });
    expect(expandEvidencePath('e/{version}.json', { version: '1..2' })).toMatchObject({ error: expect.stringMatching(/cannot be used/) });
    expect(expandEvidencePath('e/{workload}.json', {})).toEqual({ error: 'the evidence path e/{workload}.json needs {workload}, which this promotion does not have' });
  });
});

describe('parseEvidence', () => {
  it('reads the documented format', () => {
    const r = parseEvidence(JSON.stringify({ model: 'chat', version: 7, dataset: { name: 'golden', version: 2 }, commit: 'ABCDEF1234', evaluated_at: '2025-05-02T10:00:00Z', metrics: { f1: 0.91 } }));
    expect(r).toEqual({ evidence: { model: 'chat', version: '7', registry: undefined, dataset: 'golden version 2', commit: 'ABCDEF1234', evaluatedAt: '2025-05-02T10:00:00Z', metrics: { f1: 0.91 } } });
  });

  it('says which field is wrong', () => {
    const cases: Array<[string, string]> = [
      ['[]', 'it is not a JSON object'],
      ['{"version": 1}', 'it has no "model" (the model name)'],
      ['{"model": "m"}', 'it has no "version" (the model version it evaluated)'],
      ['{"model": "m", "version": "1", "dataset": "d", "commit": "not-a-sha", "metrics": {}}', '"commit" is not a commit id (7 to 64 hex digits)'],
      ['{"model": "m", "version": "1", "dataset": "d", "evaluated_at": "yesterday", "metrics": {}}', '"evaluated_at" is not a date'],
      ['{"model": "m", "version": "1", "dataset": "d"}', 'it has no "metrics" object'],
      ['{"model": "m", "version": "1", "dataset": "d", "metrics": {"x": null}}', 'metric "x" is not a finite number'],
    ];
    for (const [text, error] of cases) expect(parseEvidence(text), text).toEqual({ error });
    expect(parseEvidence(`{"model": "m", "pad": "${'x'.repeat(1024 * 1024)}"}`)).toEqual({ error: 'it is over 1024 KiB' });
  });
});

describe('checkMetrics', () => {
  const ev = { model: 'm', version: '1', dataset: 'd', metrics: { a: 5, b: 10, c: 3 } };
  it('checks at_least, at_most and both, at the bounds inclusive', () => {
    const r = checkMetrics(ev, [
      { metric: 'a', atLeast: 5 },
      { metric: 'b', atMost: 9.5 },
      { metric: 'c', atLeast: 1, atMost: 3 },
      { metric: 'd', atLeast: 0 },
    ]);
    expect(r.map((m) => `${m.metric} ${m.state}`)).toEqual(['a pass', 'b fail', 'c pass', 'd fail']);
    expect(r[2]!.message).toBe('c is 3 (needs ≥ 1 and ≤ 3)');
  });

  it('does not read inherited properties as metrics', () => {
    expect(checkMetrics(ev, [{ metric: 'constructor', atLeast: 0 }])[0]!.state).toBe('fail');
  });
});
