import { DEFAULT_APPROVAL_ROLES } from './assess.js';
import { GateApiError, readAllPages, type GateGitHub, type GhCommit, type GhPermission, type GhPullRequest, type GhReview, type GhTeamMembership } from './github.js';
import type { ApprovalRecord, ApprovalRequirement, GateProblem, RequirementResult } from './types.js';

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '(no commit)';
}

/** A failed call as one sentence: what failed, and how to fix it. */
export function describeApiError(err: unknown, what: string, hint: string): string {
  if (err instanceof GateApiError) {
    if (err.details.rateLimited) return `GitHub's rate limit stopped the gate while ${what}${err.details.resetAt ? ` (it resets at ${err.details.resetAt})` : ''}: re-run the check after that; the gate never passes what it could not check`;
    if (err.status === 401) return `${what} failed (HTTP 401): the token is missing, expired or revoked; check the token the workflow passes to aigate`;
    if (err.status === 403 || err.status === 404) return `${what} failed (HTTP ${err.status}): ${hint}`;
    return `${what} failed (${err.status ? `HTTP ${err.status}: ` : ''}${err.message}); re-run the check, the gate never passes what it could not check`;
  }
  return `${what} failed (${err instanceof Error ? err.message : String(err)}); re-run the check, the gate never passes what it could not check`;
}

const OPINIONATED = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

interface Reviewer {
  login: string;
  id: number;
  type: string;
  latest: GhReview;
  everApproved: boolean;
  latestApproval?: GhReview;
}

/** Each reviewer's latest state: COMMENTED and PENDING reviews do not change it; a later review or a dismissal replaces an approval. */
export function latestReviews(reviews: readonly GhReview[]): Reviewer[] {
  const indexed = reviews.map((r, i) => ({ r, i }));
  // The API lists reviews oldest first; sort by submission time anyway, keeping the API order for ties.
  indexed.sort((a, b) => {
    const ta = a.r.submitted_at ? Date.parse(a.r.submitted_at) : NaN;
    const tb = b.r.submitted_at ? Date.parse(b.r.submitted_at) : NaN;
    if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
    return a.i - b.i;
  });
  const byUser = new Map<number, Reviewer>();
  for (const { r } of indexed) {
    if (!r.user || !OPINIONATED.has(r.state)) continue;
    const cur = byUser.get(r.user.id);
    const entry: Reviewer = cur ?? { login: r.user.login, id: r.user.id, type: r.user.type, latest: r, everApproved: false };
    entry.latest = r;
    if (r.state === 'APPROVED') {
      entry.everApproved = true;
      entry.latestApproval = r;
    }
    byUser.set(r.user.id, entry);
  }
  return [...byUser.values()];
}

export interface ApprovalContext {
  gh: GateGitHub;
  pr: GhPullRequest;
  requirements: readonly ApprovalRequirement[];
  /** Custom roles that count besides admin, maintain and write (policy `approval_roles`). */
  approvalRoles?: readonly string[];
}

/**
 * Count the approvals of each requirement, live: reviews (every page), commit authors, each
 * reviewer's repository role and team membership. Any failed call is a problem, and the
 * requirements it leaves unresolved fail.
 */
export async function evaluateApprovals(ctx: ApprovalContext): Promise<{ results: RequirementResult[]; problems: GateProblem[] }> {
  const { gh, pr } = ctx;
  const problems: GateProblem[] = [];
  const problem = (message: string): void => {
    if (!problems.some((p) => p.message === message)) problems.push({ message });
  };
  const failAll = (message: string): { results: RequirementResult[]; problems: GateProblem[] } => ({
    results: ctx.requirements.map((requirement) => ({ requirement, state: 'fail', approvals: [], message })),
    problems,
  });
  if (!ctx.requirements.length) return { results: [], problems };
  const head = pr.head.sha;
  if (!pr.user) problem(`pull request #${pr.number} has no author account, so the gate cannot tell self-approvals apart`);
  const prHint = `the token cannot read pull request #${pr.number} of ${gh.repository}; give the workflow \`permissions: pull-requests: read\` (or an App token with Pull requests: read)`;

  let reviews: GhReview[];
  try {
    const all = await readAllPages((page) => gh.listReviews(pr.number, page));
    if (!all.complete) {
      problem(`pull request #${pr.number} has more than ${all.items.length} reviews, more than the gate reads; the approvals cannot be counted`);
      return failAll('the reviews could not all be read');
    }
    reviews = all.items;
  } catch (err) {
    problem(describeApiError(err, `listing the reviews of pull request #${pr.number}`, prHint));
    return failAll('the reviews could not be read');
  }

  let commits: GhCommit[];
  try {
    const all = await readAllPages((page) => gh.listPullRequestCommits(pr.number, page));
    commits = all.items;
    if (!all.complete || commits.length < pr.commits) {
      problem(`pull request #${pr.number} has ${pr.commits} commits, but GitHub lists only ${commits.length}; the gate cannot tell who wrote the rest, so no approval can be trusted to come from someone else; split the pull request`);
      return failAll('the commit authors could not all be read');
    }
  } catch (err) {
    problem(describeApiError(err, `listing the commits of pull request #${pr.number}`, prHint));
    return failAll('the commit authors could not be read');
  }
  const contributors = new Map<number, string>();
  const unattributed: string[] = [];
  for (const c of commits) {
    for (const [who, u] of [
      ['author', c.author],
      ['committer', c.committer],
    ] as const) {
      if (u) {
        if (!contributors.has(u.id)) contributors.set(u.id, c.sha);
      } else unattributed.push(`${shortSha(c.sha)} (${who})`);
    }
  }
  if (unattributed.length) {
    problem(
      `commit ${unattributed.slice(0, 5).join(', ')}${unattributed.length > 5 ? ', …' : ''} of pull request #${pr.number} is not linked to a GitHub account, so the gate cannot tell whether an approver wrote it; use a commit email that belongs to a GitHub account and push the commits again`,
    );
  }

  // Teams must be readable before anyone can be counted through them.
  const teamsReadable = new Map<string, boolean>();
  for (const req of ctx.requirements) {
    for (const t of req.teams) {
      const key = t.toLowerCase();
      if (teamsReadable.has(key)) continue;
      const [org, slug] = t.split('/') as [string, string];
      try {
        await gh.getTeam(org, slug);
        teamsReadable.set(key, true);
      } catch (err) {
        teamsReadable.set(key, false);
        problem(describeApiError(err, `reading team ${t}`, `the token cannot read team membership of ${t}: give the workflow a GitHub App token with the organization permission Members: read (the default GITHUB_TOKEN cannot read teams), and check that the team exists`));
      }
    }
  }

  const allowedRoles = new Set([...DEFAULT_APPROVAL_ROLES, ...(ctx.approvalRoles ?? [])].map((r) => r.toLowerCase()));
  const permissions = new Map<string, GhPermission | Error>();
  const permissionOf = async (login: string): Promise<GhPermission | Error> => {
    if (!permissions.has(login)) {
      try {
        permissions.set(login, await gh.getCollaboratorPermission(login));
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        permissions.set(login, e);
        problem(describeApiError(err, `reading the repository permission of ${login}`, `the token cannot read collaborator permissions of ${gh.repository}; it needs Metadata: read (the default GITHUB_TOKEN has it)`));
      }
    }
    return permissions.get(login)!;
  };
  const memberships = new Map<string, GhTeamMembership | null | Error>();
  const membershipOf = async (team: string, login: string): Promise<GhTeamMembership | null | Error> => {
    const key = `${team.toLowerCase()} ${login.toLowerCase()}`;
    if (!memberships.has(key)) {
      const [org, slug] = team.split('/') as [string, string];
      try {
        memberships.set(key, await gh.getTeamMembership(org, slug, login));
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        memberships.set(key, e);
        problem(describeApiError(err, `reading ${login}'s membership of team ${team}`, `the token cannot read team membership of ${team}: give the workflow a GitHub App token with the organization permission Members: read`));
      }
    }
    return memberships.get(key)!;
  };

  // Why each reviewer's approval cannot count, whatever the requirement (undefined: it may count).
  // Approvals dismissed by a maintainer show as DISMISSED: list them too, as approvals that do not count.
  const reviewers = latestReviews(reviews).filter((r) => r.everApproved || r.latest.state === 'DISMISSED');
  const baseReason = new Map<number, string | undefined>();
  const roleOf = new Map<number, string>();
  for (const r of reviewers) {
    const latest = r.latest;
    let reason: string | undefined;
    if (latest.state === 'CHANGES_REQUESTED') reason = `requested changes after approving (latest review ${shortSha(latest.commit_id)})`;
    else if (latest.state === 'DISMISSED') reason = r.everApproved ? 'the approval was dismissed' : 'the latest review was dismissed';
    else if (latest.commit_id !== head) reason = `approved commit ${shortSha(latest.commit_id)}, not the current head ${shortSha(head)}; approve again`;
    else if (r.type !== 'User' || /\[bot\]$/i.test(r.login)) reason = 'a bot account; only people approve promotions';
    else if (pr.user && (r.id === pr.user.id || r.login.toLowerCase() === pr.user.login.toLowerCase())) reason = 'the author of the pull request cannot approve it';
    else if (contributors.has(r.id)) reason = `wrote or committed commit ${shortSha(contributors.get(r.id))} of this pull request, so cannot approve it`;
    if (!reason) {
      const perm = await permissionOf(r.login);
      if (perm instanceof Error) reason = 'the repository permission could not be read';
      else {
        const role = (perm.role_name || perm.permission || 'none').toLowerCase();
        roleOf.set(r.id, role);
        if (!allowedRoles.has(role) || !['admin', 'write'].includes((perm.permission || '').toLowerCase())) {
          reason = `has the ${role} role, without write access to ${gh.repository}`;
        }
      }
    }
    baseReason.set(r.id, reason);
  }

  const results: RequirementResult[] = [];
  for (const req of ctx.requirements) {
    const approvals: ApprovalRecord[] = [];
    for (const r of reviewers) {
      const review = r.latest.state === 'APPROVED' ? r.latest : (r.latestApproval ?? r.latest);
      const rec: ApprovalRecord = { login: r.login, state: r.latest.state, commit: r.latest.commit_id ?? undefined, submittedAt: review.submitted_at ?? undefined, url: review.html_url, counted: false, reason: '' };
      const base = baseReason.get(r.id);
      if (base) {
        rec.reason = base;
        approvals.push(rec);
        continue;
      }
      let via: string | undefined;
      let why: string | undefined;
      if (req.users.some((u) => u.toLowerCase() === r.login.toLowerCase())) via = 'named approver';
      const role = roleOf.get(r.id);
      if (!via && role && req.roles.some((x) => x.toLowerCase() === role)) via = `repository ${role}`;
      for (const t of req.teams) {
        if (via) break;
        if (!teamsReadable.get(t.toLowerCase())) {
          why ??= `team ${t} could not be read`;
          continue;
        }
        const m = await membershipOf(t, r.login);
        if (m instanceof Error) why ??= `membership of ${t} could not be read`;
        else if (m && m.state === 'active') via = `active member of ${t}`;
        else if (m) why ??= `membership of ${t} is ${m.state}, not active`;
      }
      if (via) {
        rec.counted = true;
        rec.reason = via;
      } else rec.reason = why ?? `not among the ${req.title}`;
      approvals.push(rec);
    }
    const counted = approvals.filter((a) => a.counted).length;
    const unreadableTeam = req.teams.some((t) => teamsReadable.get(t.toLowerCase()) === false);
    let state: RequirementResult['state'] = counted >= req.required ? 'pass' : 'fail';
    let message = `${counted} of ${req.required} approval${req.required === 1 ? '' : 's'} on ${shortSha(head)}`;
    if (req.problem) {
      state = 'fail';
      message = req.problem;
    } else if (unreadableTeam && state === 'fail') message += '; a team could not be read';
    results.push({ requirement: req, state, approvals, message });
  }
  // An unreadable team, permission or membership leaves the verdict unproven even when the counts look met.
  return { results, problems };
}
