import type { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates environment variables against a schema whose keys are the variable names, once, at
 * start-up. Every bad variable is reported at once, by name, so a misconfigured deployment fails
 * fast with one readable message instead of at the first use of the value.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(config)';
        const given = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
        return `${name}: ${issue.message}${given !== undefined ? ` (got "${given.slice(0, 80)}")` : ''}`;
      }),
    );
  }
  return result.data;
}
