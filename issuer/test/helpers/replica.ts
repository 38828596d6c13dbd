import { type ChildProcess, spawn } from 'node:child_process';

/** A service process (`src/main.ts`) started by a test. */
export interface Replica {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to "listening". */
  startMs: number;
  /** Everything the process printed (stdout and stderr). */
  output(): string;
}

/** Starts one issuer service process with `env` and waits until it listens. */
export function startReplica(env: NodeJS.ProcessEnv): Promise<Replica> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import=tsx', '--conditions=source', 'src/main.ts'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    // Loading the sources through tsx costs about 4 s of CPU; on a crowded machine, far longer.
    const timer = setTimeout(() => reject(new Error(`replica did not start: ${out}`)), 180_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.length > 1_000_000) out = out.slice(-500_000);
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] as string, startMs: Date.now() - started, output: () => out });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica exited ${code}: ${out}`));
    });
  });
}

/** SIGKILLs a replica (no cleanup of any kind) and waits until it is gone. */
export function stopReplica(r: Replica): Promise<void> {
  return new Promise((resolve) => {
    if (r.child.exitCode !== null || r.child.signalCode !== null) return resolve();
    r.child.once('exit', () => resolve());
    r.child.kill('SIGKILL');
  });
}

/** Whether bit `index` of a gunzipped status list is set (most significant bit first). */
export function bitSet(bytes: Uint8Array, index: number): boolean {
  return ((bytes[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}
