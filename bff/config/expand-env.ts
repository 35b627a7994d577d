/**
 * Replaces `${NAME}` in every string of a JSON value with the environment
 * variable `NAME`, so secrets stay out of config files. A missing variable is
 * an issue naming the field, never a silent empty string.
 */
export function expandEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  issues: string[],
  path: string[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) issues.push(`${path.join('.') || '(root)'}: environment variable ${name} is not set`);
      return found ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => expandEnv(item, env, issues, [...path, String(index)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, expandEnv(item, env, issues, [...path, key])]),
    );
  }
  return value;
}
