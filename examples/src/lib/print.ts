import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BilingualText } from '@vneid/verifier';
import type { StepLog } from './steps.js';
import { createWorld, type World } from './world.js';

// picocolors is not a dependency of this package: a few ANSI codes, off
// unless stdout is a terminal (or FORCE_COLOR is set), and off with NO_COLOR.
const useColour =
  !('NO_COLOR' in process.env) &&
  (Boolean(process.stdout.isTTY) || ('FORCE_COLOR' in process.env && process.env.FORCE_COLOR !== '0'));
const paint = (open: number, close: number) => (text: string) =>
  useColour ? `\u001b[${open}m${text}\u001b[${close}m` : text;
export const colour = {
  bold: paint(1, 22),
  dim: paint(2, 22),
  red: paint(31, 39),
  green: paint(32, 39),
  yellow: paint(33, 39),
  cyan: paint(36, 39),
};

function both(text: BilingualText): string {
  return `${text.vi} ${colour.dim(`/ ${text.en}`)}`;
}

function show(value: unknown): string {
  if (typeof value === 'string') {
    // Face images are long data URLs: show their kind and size, not the bytes.
    return value.startsWith('data:image/') ? `${value.slice(0, value.indexOf(';'))} (${value.length} chars)` : value;
  }
  return JSON.stringify(value);
}

/** Human-readable lines of one step: who, what, what was disclosed, the outcome and why. */
export function formatStep(step: StepLog, index: number): string {
  const mark =
    step.outcome === 'ok' ? colour.green('✔') : step.outcome === 'refused' ? colour.red('✘') : colour.cyan('•');
  const lines = [
    `${mark} ${index + 1}. ${colour.bold(step.actor.vi)} ${colour.dim(`/ ${step.actor.en}`)}`,
    `     ${both(step.action)}`,
  ];
  for (const d of step.disclosed ?? []) {
    lines.push(
      `       ${colour.dim('↳')} ${d.document.vi} · ${d.label.vi} ${colour.dim(`/ ${d.label.en}`)}: ${show(d.value)}`,
    );
  }
  if (step.outcome === 'ok') lines.push(`     ${colour.green('ĐÃ XÁC THỰC / VERIFIED')}`);
  if (step.outcome === 'refused') {
    lines.push(`     ${colour.red('TỪ CHỐI / REFUSED')} ${colour.yellow((step.codes ?? []).join(', '))}`);
    if (step.reason) lines.push(`     ${colour.dim('lý do / why:')} ${both(step.reason)}`);
  }
  return lines.join('\n');
}

/** The title line and every step of a scenario. */
export function formatScenario(title: BilingualText, steps: StepLog[], number?: number): string {
  const head = colour.bold(`${number === undefined ? '' : `${number}. `}${title.vi}`);
  return [`${head} ${colour.dim(`/ ${title.en}`)}`, ...steps.map(formatStep)].join('\n');
}

/**
 * When `moduleUrl` is the script node was started with, runs the scenario in
 * a fresh world and prints it: each scenario file is also a program
 * (`node examples/dist/scenarios/police-check.js`).
 */
export async function runIfMain(
  moduleUrl: string,
  title: BilingualText,
  run: (world: World) => Promise<StepLog[]>,
): Promise<void> {
  const entry = process.argv[1];
  if (!entry || pathToFileURL(resolve(entry)).href !== moduleUrl) return;
  const world = await createWorld();
  try {
    console.log(formatScenario(title, await run(world)));
  } catch (error) {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  } finally {
    await world.close();
  }
}
