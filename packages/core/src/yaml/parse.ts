import { parseAllDocuments, type Document } from 'yaml';
import type { SourceFile, Span } from '../text/source.js';

export interface YamlProblem {
  message: string;
  span: Span;
}

export interface ParsedYaml {
  docs: Document[];
  errors: YamlProblem[];
}

/** Flow collections nested deeper than this are refused before parsing (the parser recurses). */
export const MAX_FLOW_DEPTH = 256;

function flowDepthProblem(text: string): YamlProblem | undefined {
  // Fewer brackets than the limit cannot nest past it: most files end here.
  let brackets = 0;
  for (let i = text.indexOf('['); i >= 0 && brackets <= MAX_FLOW_DEPTH; i = text.indexOf('[', i + 1)) brackets++;
  for (let i = text.indexOf('{'); i >= 0 && brackets <= MAX_FLOW_DEPTH; i = text.indexOf('{', i + 1)) brackets++;
  if (brackets <= MAX_FLOW_DEPTH) return undefined;
  let depth = 0;
  let quote: string | undefined;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (comment) {
      if (c === '\n') comment = false;
      continue;
    }
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\n') quote = undefined;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) comment = true;
    else if (c === '"' || c === "'") {
      const prev = text[i - 1] ?? ' ';
      if (/[\s[{,:]/.test(prev)) quote = c;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth > MAX_FLOW_DEPTH) {
        return { message: `YAML is nested more than ${MAX_FLOW_DEPTH} levels deep; the file is not analysed`, span: { start: i, end: i + 1 } };
      }
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/**
 * Parse every YAML document in a file, keeping node ranges. Never throws: a parser failure,
 * a stack overflow on pathological nesting, or a refused file comes back as a problem.
 */
export function parseYaml(source: SourceFile): ParsedYaml {
  const deep = flowDepthProblem(source.text);
  if (deep) return { docs: [], errors: [deep] };
  try {
    const docs = parseAllDocuments(source.text, {
      prettyErrors: false,
      uniqueKeys: true,
      keepSourceTokens: false,
    });
    const list = Array.isArray(docs) ? docs : [];
    const errors: YamlProblem[] = [];
    for (const doc of list) {
      for (const e of doc.errors) {
        const [s, t] = e.pos;
        errors.push({ message: cleanMessage(e.message), span: { start: s, end: Math.max(s, t) } });
      }
    }
    return { docs: list as Document[], errors };
  } catch (err) {
    const message = err instanceof RangeError ? 'YAML is nested too deeply to analyse' : `YAML could not be parsed: ${String((err as Error)?.message ?? err)}`;
    return { docs: [], errors: [{ message, span: { start: 0, end: 0 } }] };
  }
}

function cleanMessage(message: string): string {
  // The parser appends "at line X, column Y" and a code frame; the finding carries the position itself.
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}
