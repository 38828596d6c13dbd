import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Path of promtool (Debian's `prometheus` package), or undefined when it is not installed. */
export async function findPromtool(): Promise<string | undefined> {
  for (const candidate of [process.env.PROMTOOL, 'promtool', '/usr/bin/promtool'].filter(Boolean) as string[]) {
    try {
      await run(candidate, ['--version']);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** Runs promtool; resolves with its exit code and output instead of throwing on a failed check. */
export async function promtool(bin: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(bin, args, { cwd, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
