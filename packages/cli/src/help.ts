export const MAIN_HELP = `aigate: governance checks for AI workload configuration

Usage: aigate <command> [options]

Commands:
  check [paths...]   Check Azure ML files and GitHub workflows against the policy (default: the current folder)
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
