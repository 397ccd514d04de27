import { ruleById, ruleDoc, RULES } from '@aigate/core';
import { UsageError, type Io } from '../io.js';

function didYouMean(id: string): string {
  const name = id.split('/').pop() ?? id;
  const hit = RULES.find((r) => r.id.endsWith(`/${name}`) || r.id.includes(name));
  return hit ? ` (did you mean ${hit.id}?)` : '';
}

export function runExplainCommand(args: { rule?: string }, io: Io): number {
  if (!args.rule) throw new UsageError('aigate explain needs a rule id, for example: aigate explain versioning/model-pinned (aigate rules lists them)');
  const rule = ruleById(args.rule);
  if (!rule) throw new UsageError(`unknown rule '${args.rule}'${didYouMean(args.rule)}; aigate rules lists them`);
  const doc = ruleDoc(rule.id);
  io.stdout(doc ? (doc.endsWith('\n') ? doc : `${doc}\n`) : `${rule.id}\n\n${rule.description}\n`);
  return 0;
}
