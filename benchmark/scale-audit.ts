// Child-process entry of the scale run: verifyAuditLog over a PostgreSQL
// store, alone in its process so that its peak RSS is the check's own.
// argv: <databaseUrl> <passphrase>. Prints one JSON line.
import { createIssuer } from '@vneid/issuer';

const [url, passphrase] = process.argv.slice(2) as [string, string];
const issuer = await createIssuer({ databaseUrl: url, passphrase, baseUrl: 'http://127.0.0.1:8080' });
try {
  const rssBefore = process.resourceUsage().maxRSS / 1024;
  const started = performance.now();
  const result = await issuer.verifyAuditLog();
  const ms = performance.now() - started;
  // maxRSS is in KiB: the peak of the whole process, opening included.
  console.log(
    JSON.stringify({ ...result, ms, rssBeforeMB: rssBefore, peakRssMB: process.resourceUsage().maxRSS / 1024 }),
  );
} finally {
  await issuer.close();
}
