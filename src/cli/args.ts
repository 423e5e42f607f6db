import { parseArgs } from 'node:util';

/** `--name value` options for the CLI scripts, with a usage message on anything unexpected. */
export function cliOptions<T extends Record<string, { type: 'string' | 'boolean' }>>(usage: string, options: T) {
  try {
    return parseArgs({ options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\nusage: ${usage}\n`);
    process.exit(2);
  }
}

export function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    process.stderr.write(`--${name} must be a whole number (got "${value}")\n`);
    process.exit(2);
  }
  return parsed;
}
