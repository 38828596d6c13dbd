#!/usr/bin/env node
/**
 * `pnpm demo`: the scenarios (five offline, three online), each in a fresh world (issuer service on
 * 127.0.0.1, wallet and verifier in temp folders), printed step by step in
 * Vietnamese and English. Exits 1 if any scenario does not behave as documented.
 */
import { colour, formatScenario } from './lib/print.js';
import { createWorld } from './lib/world.js';
import { SCENARIOS } from './scenarios/index.js';

let failed = 0;
console.log(colour.bold(`VNeID — ${SCENARIOS.length} tình huống / ${SCENARIOS.length} scenarios\n`));
for (const [i, scenario] of SCENARIOS.entries()) {
  const world = await createWorld();
  try {
    const started = Date.now();
    const steps = await scenario.run(world);
    console.log(formatScenario(scenario.title, steps, i + 1));
    console.log(colour.dim(`   (${((Date.now() - started) / 1000).toFixed(1)} s)\n`));
  } catch (error) {
    failed += 1;
    console.log(
      colour.red(`${i + 1}. ${scenario.title.en}: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  } finally {
    await world.close();
  }
}
console.log(
  failed === 0
    ? colour.green('Tất cả tình huống đúng như mô tả / All scenarios behaved as documented')
    : colour.red(`${failed} scenario(s) failed`),
);
process.exitCode = failed === 0 ? 0 : 1;
