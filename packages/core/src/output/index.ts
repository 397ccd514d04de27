import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';
import type { ReportInput } from './shared.js';
import { formatStylish } from './stylish.js';

export type { ReportInput } from './shared.js';
export type { JsonReport, JsonFinding, JsonSuppressedFinding, JsonLocation } from './json.js';
export type { SarifLog } from './sarif.js';

export type OutputFormat = 'stylish' | 'json' | 'sarif' | 'github' | 'markdown';

/** Every output format; the first is the default. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['stylish', 'json', 'sarif', 'github', 'markdown'];

const FORMATTERS: Record<OutputFormat, (input: ReportInput) => string> = {
  stylish: formatStylish,
  json: formatJson,
  sarif: (input) => formatSarif(input),
  github: formatGithub,
  markdown: (input) => formatMarkdown(input),
};

/** Render a check's findings in one of the output formats. The text ends with a newline. */
export function formatReport(format: OutputFormat, input: ReportInput): string {
  const formatter = FORMATTERS[format];
  if (!formatter) throw new Error(`unknown output format '${String(format)}': use one of ${OUTPUT_FORMATS.join(', ')}`);
  return formatter(input);
}
