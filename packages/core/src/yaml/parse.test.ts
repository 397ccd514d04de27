import { describe, expect, it } from 'vitest';
import { SourceFile } from '../text/source.js';
import { YNode } from './nodes.js';
import { MAX_FLOW_DEPTH, parseYaml } from './parse.js';

const parse = (text: string): ReturnType<typeof parseYaml> => parseYaml(new SourceFile('f.yml', text));

describe('parseYaml', () => {
  it('refuses flow collections nested past the limit, before the parser recurses into them', () => {
    const deep = `a: ${'['.repeat(MAX_FLOW_DEPTH + 1)}1${']'.repeat(MAX_FLOW_DEPTH + 1)}\n`;
    const refused = parse(deep);
    expect(refused.docs).toEqual([]);
    expect(refused.errors.map((e) => e.message)).toEqual([`YAML is nested more than ${MAX_FLOW_DEPTH} levels deep; the file is not analysed`]);
    expect(refused.errors[0]!.span.start).toBe(3 + MAX_FLOW_DEPTH);
    // Braces count as well as brackets.
    expect(parse(`a: ${'{b: '.repeat(MAX_FLOW_DEPTH + 1)}1${'}'.repeat(MAX_FLOW_DEPTH + 1)}\n`).docs).toEqual([]);
  });

  it('parses many flow collections side by side, and nesting up to the limit', () => {
    const wide = Array.from({ length: MAX_FLOW_DEPTH * 2 }, (_, i) => `k${i}: [a, {b: c}]`).join('\n');
    const side = parse(wide);
    expect(side.errors).toEqual([]);
    expect(side.docs[0]!.toJS()).toMatchObject({ k0: ['a', { b: 'c' }] });
    const atLimit = parse(`a: ${'['.repeat(MAX_FLOW_DEPTH)}1${']'.repeat(MAX_FLOW_DEPTH)}\n`);
    expect(atLimit.errors).toEqual([]);
    // Brackets in quotes and comments are not nesting.
    const quoted = parse(`a: "${'['.repeat(MAX_FLOW_DEPTH + 1)}"\n# ${'{'.repeat(MAX_FLOW_DEPTH + 1)}\n`);
    expect(quoted.errors).toEqual([]);
    expect(quoted.docs[0]!.toJS()).toEqual({ a: '['.repeat(MAX_FLOW_DEPTH + 1) });
  });

  it('finds keys that are written as numbers, booleans or quoted strings', () => {
    const { docs } = parse('1: one\ntrue: yes\n"name": x\nnull: n\n');
    const root = YNode.root(docs[0]!, 'f.yml', { start: 0, end: 0 });
    expect(root.get('1').string()).toBe('one');
    expect(root.get('true').string()).toBe('yes');
    expect(root.get('name').string()).toBe('x');
    expect(root.get('null').exists).toBe(false);
    expect(root.entries().map(([k]) => k)).toEqual(['1', 'true', 'name']);
  });
});
