import type { GitHubClient } from './client.js';

/** Where a repository lives. */
export interface Repo {
  owner: string;
  repo: string;
}

export type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

/** One entry of "List pull request files", reduced to what the action uses. */
export interface PullFile {
  filename: string;
  status: FileStatus;
  previousFilename?: string;
  /** The unified diff hunks; GitHub leaves it out for binary files and very large diffs. */
  patch?: string;
}

/** GitHub lists at most this many files of a pull request. */
export const PR_FILES_CAP = 3000;

const STATUSES: readonly FileStatus[] = ['added', 'removed', 'modified', 'renamed', 'copied', 'changed', 'unchanged'];

function toPullFile(raw: unknown): PullFile | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.filename !== 'string' || !r.filename) return undefined;
  const status = STATUSES.includes(r.status as FileStatus) ? (r.status as FileStatus) : 'modified';
  const out: PullFile = { filename: r.filename, status };
  if (typeof r.previous_filename === 'string' && r.previous_filename) out.previousFilename = r.previous_filename;
  if (typeof r.patch === 'string') out.patch = r.patch;
  return out;
}

/** The files of a pull request (100 a page, up to GitHub's cap); `complete` is false when the listing stopped early. */
export async function listPullFiles(client: GitHubClient, repo: Repo, pullNumber: number): Promise<{ files: PullFile[]; complete: boolean; pages: number }> {
  const res = await client.paginate<unknown>('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { ...repo, pull_number: pullNumber }, { perPage: 100, maxItems: PR_FILES_CAP, maxPages: PR_FILES_CAP / 100 });
  const files = res.items.map(toPullFile).filter((f): f is PullFile => f !== undefined);
  // The API itself stops at the cap without a next link: a full cap means there may be more.
  return { files, complete: res.complete && res.items.length < PR_FILES_CAP, pages: res.pages };
}

export type AnnotationLevel = 'notice' | 'warning' | 'failure';

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: AnnotationLevel;
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
}

export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'action_required' | 'cancelled' | 'skipped' | 'timed_out';

export async function createCheckRun(client: GitHubClient, repo: Repo, body: { name: string; head_sha: string; status: 'in_progress'; started_at: string; output: CheckOutput; details_url?: string; external_id?: string }): Promise<number> {
  const res = await client.request<{ id?: unknown }>('POST /repos/{owner}/{repo}/check-runs', { ...repo }, body);
  const id = res.data?.id;
  if (typeof id !== 'number') throw new Error('the check run was created without an id');
  return id;
}

export async function updateCheckRun(
  client: GitHubClient,
  repo: Repo,
  checkRunId: number,
  body: { output: CheckOutput; status?: 'completed'; conclusion?: CheckConclusion; completed_at?: string },
): Promise<void> {
  await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...repo, check_run_id: checkRunId }, body);
}
