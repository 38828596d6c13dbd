#!/usr/bin/env node
import { signEachType } from './sign-each-type.js';

// Interim main job: one credential of each type, issued, disclosed and verified offline.
for (const row of await signEachType()) {
  console.log(`${row.verified ? '✔' : '✘'} ${row.type} — ${row.label}: disclosed ${row.disclosed.join(', ')}`);
}
