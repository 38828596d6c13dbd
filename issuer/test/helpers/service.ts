import { pino } from 'pino';
import {
  type CreateIssuerOptions,
  generateApiKey,
  hashApiKey,
  type Monitoring,
  type RateLimitOptions,
  startServer,
} from '../../src/index.js';
import { freshIssuer } from './setup.js';

export interface TestService {
  issuer: Awaited<ReturnType<typeof freshIssuer>>['issuer'];
  url: string;
  keys: Record<string, string>;
  logs: string[];
  post(path: string, body: unknown, key?: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** A listening service on 127.0.0.1 (free port) over a fresh issuer with the dev ministries (+ a general test issuer). */
export async function startTestService(
  options: {
    rateLimit?: RateLimitOptions;
    tls?: { cert: string; key: string };
    issuerOptions?: Partial<CreateIssuerOptions>;
    /** Built over the test's issuer before the server starts. */
    monitoring?: (issuer: Awaited<ReturnType<typeof freshIssuer>>['issuer']) => Monitoring;
    metricsToken?: string;
  } = {},
): Promise<TestService> {
  const { issuer, cleanup } = await freshIssuer(options.issuerOptions);
  await issuer.addMinistry({
    slug: 'test-issuer',
    name: { vi: 'Đơn vị thử nghiệm', en: 'Test issuer' },
    role: 'GeneralTestIssuer',
    allowGeneralCredentials: true,
  });
  const keys: Record<string, string> = {};
  for (const m of issuer.listMinistries()) keys[m.slug] = generateApiKey();
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(line) });
  const started = await startServer({
    issuer,
    apiKeys: Object.entries(keys).map(([ministry, key]) => ({ ministry, sha256: hashApiKey(key) })),
    logger,
    port: 0,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.monitoring ? { monitoring: options.monitoring(issuer) } : {}),
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
  });
  return {
    issuer,
    url: started.url,
    keys,
    logs,
    post: (path, body, key, headers = {}) =>
      fetch(`${started.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...headers,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async close() {
      await started.close();
      await cleanup();
    },
  };
}
