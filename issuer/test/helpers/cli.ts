import { runCli } from '../../src/cli/program.js';

/** What one in-process CLI run printed and exited with. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `vneid-issuer` in this process with `env` as its whole environment
 * (no TTY), capturing both streams: the spawned runs prove the entry point,
 * the many cases run here because each spawn costs a second of module loading.
 */
export async function runCliCaptured(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    env,
    errIsTTY: false,
  });
  return { code, stdout, stderr };
}
