// A Y4M video of a PNG (grey levels only), for chromium's fake camera
// (--use-file-for-fake-video-capture): the camera path of the page reads it.
import { readFileSync, realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

// pngjs comes with qrcode; it is reached through qrcode's own resolution.
const { PNG } = createRequire(realpathSync(new URL('../../node_modules/qrcode/package.json', import.meta.url)))(
  'pngjs',
) as { PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } } };

/** Grey levels of a PNG on a white canvas of `w` × `h` (top-left aligned). */
function greyOf(pngPath: string, w: number, h: number): Buffer {
  const png = PNG.sync.read(readFileSync(pngPath));
  const y = Buffer.alloc(w * h, 255);
  for (let row = 0; row < Math.min(h, png.height); row++) {
    for (let col = 0; col < Math.min(w, png.width); col++) {
      const i = (row * png.width + col) * 4;
      y[row * w + col] = Math.round(0.299 * png.data[i]! + 0.587 * png.data[i + 1]! + 0.114 * png.data[i + 2]!);
    }
  }
  return y;
}

export async function pngToY4m(pngPath: string, y4mPath: string, frames = 2): Promise<void> {
  await pngsToY4m([pngPath], y4mPath, frames);
}

/**
 * A video showing each PNG in turn for `framesEach` frames (10 per second),
 * as a phone flipping through the parts of a multi-QR presentation; the fake
 * camera loops it.
 */
export async function pngsToY4m(pngPaths: string[], y4mPath: string, framesEach = 2): Promise<void> {
  const sizes = pngPaths.map((p) => PNG.sync.read(readFileSync(p)));
  const width = Math.max(...sizes.map((s) => s.width));
  const height = Math.max(...sizes.map((s) => s.height));
  const w = width + (width % 2);
  const h = height + (height % 2);
  const chroma = Buffer.alloc((w / 2) * (h / 2) * 2, 128);
  const frames = pngPaths.flatMap((p) => {
    const frame = Buffer.concat([Buffer.from('FRAME\n'), greyOf(p, w, h), chroma]);
    return Array.from({ length: framesEach }, () => frame);
  });
  const header = Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`);
  await writeFile(y4mPath, Buffer.concat([header, ...frames]));
}
