// Child process entry of the memory figure (run by memory.ts, not directly):
// loads what its mode names, sits idle for a second, prints its RSS as JSON.
//   bare                  nothing beyond Node and the tsx loader
//   library               @digitalbazaar/vc (with jsonld), as a plain-library verifier loads it
//   verifier <config>     @vneid/verifier, a loaded trust bundle and an opened status cache;
//                         then verifies one credential and reports again
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const IDLE_MS = 1000;
const mb = () => process.memoryUsage().rss / 2 ** 20;

async function verifier(configPath: string): Promise<Record<string, number>> {
  const config = JSON.parse(await readFile(configPath, 'utf8'));
  const { loadTrustBundle, openStatusCache, verifyCredential } = await import('@vneid/verifier');
  const now = new Date(config.now);
  const bundle = await loadTrustBundle(config.signedBundle, { anchorKey: config.anchorKey, now });
  const statusCache = await openStatusCache({ path: config.statusPath });
  await sleep(IDLE_MS);
  const idle = mb();
  const report = await verifyCredential(config.credential, { bundle, statusCache, now });
  if (!report.verified) throw new Error(`child verifier refused the credential: ${JSON.stringify(report.errors)}`);
  await sleep(IDLE_MS);
  const afterVerify = mb();
  await statusCache.close();
  return { idle, afterVerify };
}

const [mode, configPath] = process.argv.slice(2);
let result: Record<string, number>;
if (mode === 'verifier' && configPath) {
  result = await verifier(configPath);
} else if (mode === 'library') {
  await import('@digitalbazaar/vc');
  await sleep(IDLE_MS);
  result = { idle: mb() };
} else if (mode === 'bare') {
  await sleep(IDLE_MS);
  result = { idle: mb() };
} else {
  throw new TypeError('usage: idle-process.ts bare | library | verifier <config.json>');
}
process.stdout.write(`${JSON.stringify(result)}\n`);
