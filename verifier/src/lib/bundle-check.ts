import { isBundleStale } from '../load-trust-bundle.js';
import type { Context } from './options.js';
import type { ReportBuilder } from './report.js';

/** The bundle itself: current, or stale (every result becomes at best `unknown`). */
export function checkBundle(ctx: Context, report: ReportBuilder): void {
  if (ctx.bundleLoadedStale || isBundleStale(ctx.bundle, ctx.now, ctx.bundleMaxAgeSeconds)) {
    report.unknown('bundle', 'bundle', 'BUNDLE_STALE', `trust bundle version ${ctx.bundle.version} is out of date`);
  } else {
    report.valid('bundle', 'bundle');
  }
}
