// A Y4M video of a PNG (grey levels only), for chromium's fake camera
// (--use-file-for-fake-video-capture): the camera path of the page reads it.
import { readFileSync, realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

// pngjs comes with qrcode; it is reached through qrcode's own resolution.
const { PNG } = createRequire(realpathSync(new URL('../../node_modules/qrcode/package.json', import.meta.url)))(
  'pngjs',
) as { PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } } };

export async function pngToY4m(pngPath: string, y4mPath: string, frames = 2): Promise<void> {
  const png = PNG.sync.read(readFileSync(pngPath));
  const w = png.width - (png.width % 2);
  const h = png.height - (png.height % 2);
  const y = Buffer.alloc(w * h);
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const i = (row * png.width + col) * 4;
      y[row * w + col] = Math.round(0.299 * png.data[i]! + 0.587 * png.data[i + 1]! + 0.114 * png.data[i + 2]!);
    }
  }
  const chroma = Buffer.alloc((w / 2) * (h / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`);
  await writeFile(y4mPath, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
