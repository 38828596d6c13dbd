// Child process entry of the memory figure (run by memory.ts, not directly;
// compiled to dist/ and run by plain node, or from this source under tsx for
// the comparison note): loads what its mode names, sits idle for a second,
// prints its RSS as JSON.
//   bare                  nothing beyond Node (and the loader, if any)
//   library               @digitalbazaar/vc (with jsonld), as a plain-library verifier loads it
//   verifier <config>     @vneid/verifier, a loaded trust bundle and an opened status cache;
//                         then verifies one credential and reports again
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const IDLE_MS = 1000;
const mb = () => process.memoryUsage().rss / 2 ** 20;

async function verifier(configPath: string): Promise<Record<string, number | string>> {
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
  // Which build was measured: memory.ts checks the plain-node child loaded dist/.
  return { idle, afterVerify, module: fileURLToPath(import.meta.resolve('@vneid/verifier')) };
}

const [mode, configPath] = process.argv.slice(2);
let result: Record<string, number | string>;
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
  throw new TypeError('usage: idle-process bare | library | verifier <config.json>');
}
process.stdout.write(`${JSON.stringify(result)}\n`);
