import type { MemorySample } from './memory-series.ts';

const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = 40;
const MIB = 1024 * 1024;

/**
 * The soak's memory over time as a small SVG: RSS and heap in use (MiB) against minutes,
 * with the warm-up shaded. Two polylines and a few labels; nothing a chart library is needed for.
 */
export function memoryChartSvg(samples: readonly MemorySample[], warmUpSeconds: number): string {
  const maxSeconds = Math.max(1, ...samples.map((sample) => sample.atSeconds));
  const maxMib = Math.max(1, ...samples.map((sample) => sample.rssBytes / MIB)) * 1.1;
  const x = (seconds: number) => MARGIN + (seconds / maxSeconds) * (WIDTH - 2 * MARGIN);
  const y = (mib: number) => HEIGHT - MARGIN - (mib / maxMib) * (HEIGHT - 2 * MARGIN);
  const line = (value: (sample: MemorySample) => number, color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${samples
      .map((sample) => `${x(sample.atSeconds).toFixed(1)},${y(value(sample) / MIB).toFixed(1)}`)
      .join(' ')}"/>`;
  const label = (text: string, atX: number, atY: number, anchor = 'start') =>
    `<text x="${atX}" y="${atY}" font-size="11" font-family="sans-serif" text-anchor="${anchor}">${text}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
    "<title>The daemon's RSS and V8 heap in use during the soak</title>",
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<rect x="${MARGIN}" y="${MARGIN}" width="${(x(warmUpSeconds) - MARGIN).toFixed(1)}" height="${HEIGHT - 2 * MARGIN}" fill="#eee"/>`,
    `<line x1="${MARGIN}" y1="${HEIGHT - MARGIN}" x2="${WIDTH - MARGIN}" y2="${HEIGHT - MARGIN}" stroke="black"/>`,
    `<line x1="${MARGIN}" y1="${MARGIN}" x2="${MARGIN}" y2="${HEIGHT - MARGIN}" stroke="black"/>`,
    line((sample) => sample.rssBytes, '#1f77b4'),
    line((sample) => sample.heapUsedBytes, '#d62728'),
    label(`${Math.round(maxMib)} MiB`, MARGIN - 4, MARGIN + 4, 'end'),
    label('0', MARGIN - 4, HEIGHT - MARGIN, 'end'),
    label(`${(maxSeconds / 60).toFixed(1)} min`, WIDTH - MARGIN, HEIGHT - MARGIN + 16, 'end'),
    label('warm-up', MARGIN + 4, MARGIN + 14),
    label('daemon RSS', WIDTH - MARGIN, MARGIN - 20, 'end'),
    `<line x1="${WIDTH - MARGIN - 90}" y1="${MARGIN - 24}" x2="${WIDTH - MARGIN - 70}" y2="${MARGIN - 24}" stroke="#1f77b4" stroke-width="2"/>`,
    label('V8 heap in use', WIDTH - MARGIN - 100, MARGIN - 20, 'end'),
    `<line x1="${WIDTH - MARGIN - 200}" y1="${MARGIN - 24}" x2="${WIDTH - MARGIN - 180}" y2="${MARGIN - 24}" stroke="#d62728" stroke-width="2"/>`,
    '</svg>',
    '',
  ].join('\n');
}
