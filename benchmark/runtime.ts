// The benchmark measures the product as it ships: each package's compiled
// dist/ run by plain node. Worker threads inherit the process's execArgv and
// NODE_OPTIONS, so a loader here (tsx, whose esbuild transform wraps every
// closure in a `__name` helper) would also run inside the issuer's signing
// workers. A run that would not measure the shipped code is refused.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How the measured code was loaded. */
export interface Runtime {
  /** `process.execArgv`: empty, so worker threads and children start plain too. */
  execArgv: string[];
  /** Entry file each package resolved to, relative to the repository root. */
  packages: Record<string, string>;
  /** The issuer's signing-worker entry beside its resolved worker pool. */
  signingWorker: string;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = ['@vneid/core', '@vneid/schemas', '@vneid/issuer', '@vneid/wallet-core', '@vneid/verifier'];
const RUN =
  'run `pnpm bench` (it builds the packages and the benchmark, then runs benchmark/dist/index.js with plain node)';

/** Paths relative to the repository root, for the report. */
export function fromRoot(path: string): string {
  return relative(ROOT, path);
}

export function describeRuntime(): Runtime {
  if (import.meta.url.endsWith('.ts')) throw new Error(`the benchmark runs compiled, not from its sources: ${RUN}`);
  const execArgv = [...process.execArgv];
  if (execArgv.length > 0) throw new Error(`node flags ${execArgv.join(' ')} would reach the signing workers: ${RUN}`);
  if (/--(import|loader|experimental-loader|require|conditions)\b|(^|\s)-[rC]\s/.test(process.env.NODE_OPTIONS ?? '')) {
    throw new Error(`NODE_OPTIONS="${process.env.NODE_OPTIONS}" would change what is loaded: ${RUN}`);
  }
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) {
    const file = fileURLToPath(import.meta.resolve(name));
    if (!file.includes('/dist/') || !file.endsWith('.js'))
      throw new Error(`${name} resolves to ${file}, not dist: ${RUN}`);
    packages[name] = fromRoot(file);
  }
  // worker-pool.js in the issuer's dist starts ./sign-worker.js beside it (lib/).
  const worker = fileURLToPath(new URL('./lib/sign-worker.js', import.meta.resolve('@vneid/issuer')));
  if (!existsSync(worker)) throw new Error(`no built signing worker at ${worker}: ${RUN}`);
  return { execArgv, packages, signingWorker: fromRoot(worker) };
}

export function runtimeLine(r: Runtime | undefined): string {
  if (!r) return 'Runtime: not recorded (runs before this field measured the TypeScript sources under tsx).';
  return (
    `Runtime: plain node, no flags or loader (signing workers and child processes likewise); ` +
    `@vneid/core → ${r.packages['@vneid/core']}, @vneid/issuer → ${r.packages['@vneid/issuer']}, ` +
    `signing worker ${r.signingWorker}`
  );
}
