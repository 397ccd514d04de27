/** True when a value is filled in at run time: `${{ }}`, `${VAR}`, `$VAR`, `{{ }}`, `<placeholder>`, `[parameters()]`. */
export function isTemplated(value: string): boolean {
  return /\$\{\{|\$\{[A-Za-z_]|\$[A-Za-z_]|\{\{|<[A-Za-z_][\w-]*>|\[(parameters|variables)\(|\$\([A-Za-z_]/.test(value);
}
