// Command-line argument helpers shared by the simulator's commands.
import path from 'node:path';

/** A mistake in the command line: reported with a hint to --help and exit code 2. */
export class UsageError extends Error {}

/** "90s", "10m", "2h", "1d", "500ms", bare seconds; 0 means forever (Infinity). */
export function parseDuration(text: string, name = 'duration'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new UsageError(`bad --${name} "${text}" (e.g. 90s, 10m, 2h, 0)`);
  const ms = Number(m[1]) * { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[m[2] ?? 's']!;
  return ms === 0 ? Infinity : ms;
}

export const num = (name: string, text: string | undefined, check: (n: number) => boolean = Number.isFinite) => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !check(n)) throw new UsageError(`bad --${name} "${text}"`);
  return n;
};
export const share = (n: number) => n >= 0 && n <= 1;
export const positive = (n: number) => n > 0;

/** Where the user typed the command: pnpm runs the script inside simulator/. */
export const userCwd = () => process.env.INIT_CWD ?? process.cwd();
export const userPath = (p: string) => path.resolve(userCwd(), p);
