import data from './retirements.json' with { type: 'json' };

/** Lifecycle stages of the Azure OpenAI model schedule. */
export type ModelLifecycle = 'Preview' | 'GA' | 'Legacy' | 'Deprecated' | 'Retired';

/** What the catalog knows about one model version. */
export interface RetirementInfo {
  /** The model name as the catalog spells it. */
  name: string;
  /** The catalog version; undefined when the row covers every version of the model. */
  version?: string;
  lifecycle: ModelLifecycle;
  /** Retirement date, YYYY-MM-DD. */
  retirementDate: string;
  /** Suggested replacement, as the source names it; undefined when none is named. */
  replacement?: string;
  /** URL of the page the row comes from. */
  source: string;
  /** Date of that page (YYYY-MM-DD): the catalog is true as of this date. */
  asOf: string;
}

interface Row {
  name: string;
  version: string | null;
  lifecycle: string;
  retirementDate: string;
  replacement: string | null;
  source: string;
}

interface Source {
  url: string;
  date: string;
}

const SOURCES = data.sources as Record<string, Source>;
const ROWS = data.models as Row[];

/** Date of the newest source of the built-in catalog. */
export const RETIREMENT_CATALOG_AS_OF: string = data.asOf;

function toInfo(row: Row): RetirementInfo {
  const src = SOURCES[row.source];
  const info: RetirementInfo = {
    name: row.name,
    lifecycle: row.lifecycle as ModelLifecycle,
    retirementDate: row.retirementDate,
    source: src?.url ?? '',
    asOf: src?.date ?? data.asOf,
  };
  if (row.version !== null) info.version = row.version;
  if (row.replacement !== null) info.replacement = row.replacement;
  return info;
}

const BY_NAME = new Map<string, Row[]>();
for (const row of ROWS) {
  const key = row.name.toLowerCase();
  const list = BY_NAME.get(key);
  if (list) list.push(row);
  else BY_NAME.set(key, [row]);
}

/**
 * Lifecycle and retirement of an Azure OpenAI model version, from the built-in catalog.
 * An exact version row wins; a row without a version covers every version of a model that is retired as a whole.
 * Undefined when the model or version is not listed (which is not proof that it is current).
 */
export function lookupRetirement(name: string, version?: string): RetirementInfo | undefined {
  const rows = BY_NAME.get(name.trim().toLowerCase());
  if (!rows) return undefined;
  const v = version?.trim().toLowerCase();
  if (v) {
    const exact = rows.filter((r) => r.version !== null && r.version.toLowerCase() === v);
    // Conflicting rows for one version: the earliest date is the safe one.
    if (exact.length) return toInfo(exact.reduce((a, b) => (b.retirementDate < a.retirementDate ? b : a)));
  }
  const whole = rows.find((r) => r.version === null);
  return whole ? toInfo(whole) : undefined;
}
