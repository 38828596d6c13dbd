export function build(options?: { outdir?: string; minify?: boolean; bench?: boolean }): Promise<{
  outdir: string;
  version: string;
  bytes: number;
  metafile: { inputs: Record<string, unknown> };
}>;
