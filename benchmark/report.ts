// The printed report: each figure with its library and raw baselines as
// ratios and its change against the previous run, then the targets.
import { type Figure, improvement, rawMultiple, speedup, type Target } from './figures.js';
import { loadLine, machineLine } from './machine.js';
import type { RunResults } from './results.js';
import { runtimeLine } from './runtime.js';

function num(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(2);
}

function value(f: Figure, v: number): string {
  return `${num(v)} ${f.unit}`;
}

function spread(s: { mean?: number; rme?: number; samples?: number }): string {
  if (s.mean === undefined || s.rme === undefined) return '';
  return ` (mean ${num(s.mean)} ±${s.rme.toFixed(0)}%, n=${s.samples})`;
}

function versusLibrary(f: Figure): string {
  const s = speedup(f);
  if (s === undefined) return '';
  if (f.unit === 'MB') return `${num(s)}× the library process`;
  return s >= 1 ? `${num(s)}× faster` : `${num(1 / s)}× slower`;
}

function versusRaw(f: Figure): string {
  const r = rawMultiple(f);
  if (r === undefined) return '';
  return f.unit === 'MB' ? `${num(r)}× a bare process` : `${num(r)}× the raw primitive`;
}

function change(f: Figure, previous: RunResults | undefined): string {
  const before = previous?.figures.find((p) => p.key === f.key && p.unit === f.unit);
  if (!before) return previous ? 'new' : '';
  if (f.unit === 'MB') {
    const d = f.ours.value - before.ours.value;
    return `${d >= 0 ? '+' : ''}${d.toFixed(1)} MB vs previous`;
  }
  const d = improvement(f.unit, f.ours.value, before.ours.value) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(0)}% ${d >= 0 ? 'better' : 'worse'} vs previous`;
}

export function printReport(results: RunResults, previous: RunResults | undefined, out = console.log): void {
  out('');
  out(machineLine(results.machine));
  out(runtimeLine(results.machine.runtime));
  out(loadLine(results.machine, results.loadAtEnd));
  out(
    `Mode: ${results.mode}; ${results.date}; ${results.durationSeconds.toFixed(0)} s. ` +
      'Each figure: ours, the plain library on the same input in this run (N× faster), ' +
      'and the raw node:crypto primitive (ours costs N× it). Timed operations: median latency.',
  );
  if (previous) {
    const notes = [
      previous.mode !== results.mode ? `a ${previous.mode} run` : '',
      previous.machine.cpu !== results.machine.cpu || previous.machine.cores !== results.machine.cores
        ? `on ${previous.machine.cpu} × ${previous.machine.cores}`
        : '',
      previous.machine.runtime ? '' : 'from TypeScript sources under tsx, not the built packages',
    ].filter(Boolean);
    out(
      `Previous run: ${previous.date}, commit ${previous.machine.commit}${notes.length ? ` (${notes.join(', ')}: compare with care)` : ''}.`,
    );
  } else {
    out('No previous run in benchmark/results/: no changes reported.');
  }
  out('');
  for (const f of results.figures) {
    out(f.name);
    const parts = [`ours ${value(f, f.ours.value)}${spread(f.ours)}`];
    if (f.library) parts.push(`library ${value(f, f.library.value)} [${f.library.label}] → ${versusLibrary(f)}`);
    if (f.raw) parts.push(`raw ${value(f, f.raw.value)} [${f.raw.label}] → ${versusRaw(f)}`);
    const delta = change(f, previous);
    if (delta) parts.push(delta);
    out(`    ${parts.join(' | ')}`);
    for (const note of f.notes ?? []) out(`    · ${note}`);
  }
  out('');
  out('Targets (issue 7):');
  printTargets(results.targets, out);
}

function printTargets(targets: readonly Target[], out: (line: string) => void): void {
  const width = Math.max(...targets.map((t) => t.text.length));
  for (const t of targets) out(`  ${t.verdict.padEnd(4)}  ${t.text.padEnd(width)}  ${t.measured}`);
}
