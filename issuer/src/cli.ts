#!/usr/bin/env node
/**
 * `vneid-issuer`: the ministry command line over the issuer's local store
 * (`--data DIR`, passphrase from VNEID_ISSUER_PASSPHRASE) or, with `--url`
 * and `--api-key`, over a running issuer service. See `vneid-issuer --help`
 * and issuer/README.md.
 */
import { processIo } from './cli/output.js';
import { runCli } from './cli/program.js';

process.exitCode = await runCli(process.argv.slice(2), processIo);
