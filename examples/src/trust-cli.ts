#!/usr/bin/env node
/**
 * `vneid-trust`: the trust authority's command line. The bundle commands live
 * here, not in the issuer's CLI, because data flows one way (the issuer must
 * not depend on the verifier) and the trust authority is neither.
 *
 *   vneid-trust anchor create --out anchor.json
 *   vneid-trust bundle create --data <issuer data dir> [--base-url URL] --out bundle.json [--version N] [--valid-days D]
 *   vneid-trust bundle sign --in bundle.json --anchor-key anchor.json [--out signed.json]
 *
 * Exit codes: 0 done, 1 usage error, 2 refused (the error code is printed).
 */
import { runTrustCli } from './lib/trust-commands.js';

process.exitCode = await runTrustCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
});
