export const MAIN_HELP = `aigate: governance checks for AI workload configuration

Usage: aigate <command> [options]

Commands:
  check [paths...]   Check Azure ML files and GitHub workflows against the policy (default: the current folder)
  gate --base <rev>  Show the promotions a change makes, and check their order and quality evidence
  rules              List the rules
  explain <rule>     Show a rule's documentation
  init               Write a starter aigate.yaml inferred from the repository layout

Options:
  -h, --help         Show help (also: aigate <command> --help)
  -v, --version      Show the version

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or configuration error.
`;

export const CHECK_HELP = `Usage: aigate check [paths...] [options]

Checks the configuration of an AI workload: Azure ML YAML (deployments, endpoints, models,
environments, registries), GitHub workflows and aigate.yaml. With no path, checks the current
folder. The whole repository is always read, so cross-file findings are complete; paths only
limit which findings are reported.

Options:
  -f, --format <name>      stylish (default), json, sarif, github, markdown
  -o, --output <file>      Write the report to a file instead of standard output
      --fail-on <level>    error (default), warning, info or never: the lowest severity that makes the exit code 1
      --env <name>         Report only findings of this environment (engine findings are always reported)
      --root <dir>         Repository root (default: the folder holding aigate.yaml or .git)
      --policy <file>      Policy file to use instead of the root's aigate.yaml (as the editor's
                           aigate.policyPath setting); a missing one is a configuration error
      --max-file-size <n>  Largest file to read, in KiB (default 1024)
      --color / --no-color Force colour on or off (default: on for a terminal)
  -h, --help               Show this help

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or configuration error
(including a broken aigate.yaml).
`;

export const RULES_HELP = `Usage: aigate rules [--format text|json]

Lists every rule with its theme, default severity and what it checks.
`;

export const EXPLAIN_HELP = `Usage: aigate explain <rule-id>

Prints a rule's documentation: what it checks, the guidance it enforces, failing and passing
examples, how to fix and how to suppress a finding.
`;

export const INIT_HELP = `Usage: aigate init [--root <dir>] [--stdout]

Writes a starter aigate.yaml inferred from the repository layout (environments from folder and
file names and workflow environments). Never overwrites an existing policy file.

Options:
      --root <dir>   Where to write it (default: the current folder)
      --stdout       Print the policy instead of writing it
`;

export const GATE_HELP = `Usage: aigate gate --base <revision> [--head <revision>] [options]

Shows the promotion plan of a change: every change, between the base and the head, to what runs
in an environment of the promotion chain (model or version, content filter, instance type or
count, traffic). For each promotion it checks, from local git and without GitHub:
  - order: the promoted model version already runs in the previous environment on the base;
  - quality evidence: the evidence file the policy names exists, is for this version, and meets
    every threshold.
It also lists the approvals each promotion needs; the GitHub Action counts them on the pull
request. The policy is read from the base revision; a change to aigate.yaml applies after merge.

Options:
      --base <rev>         The revision the change goes into (branch, tag or commit). Required.
      --head <rev>         The revision holding the change (default: the working tree, including
                           uncommitted and untracked files)
  -f, --format <name>      text (default), json or markdown (the promotion dossier)
      --root <dir>         Folder of aigate.yaml (default: the folder holding aigate.yaml or .git)
      --max-file-size <n>  Largest YAML file to read, in KiB (default 1024)
  -h, --help               Show this help

Exit codes: 0 order and evidence are complete (approvals still apply), 1 something is missing,
2 usage error (no --base, unknown revision, not a git repository).
`;
