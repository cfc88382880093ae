// A small line chart as SVG text, for the scaling curves beside docs/BENCHMARKS.md: a
// log-scale x axis (subscribers, events in the log), a linear y axis from zero, each
// series' median as a line with a min–max whisker at every point. No dependency: the
// report is static text and GitHub shows SVG images as they are.

/** One measured point: the median of its runs and their lowest and highest figure. */
export interface ChartPoint {
  readonly x: number;
  readonly median: number;
  readonly low: number;
  readonly high: number;
}

/** One line of the chart, named in the legend. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
}

/** What to draw: the series share both axes. */
export interface LineChart {
  readonly title: string;
  /** Axis labels, with their unit, e.g. "subscribers" and "deliveries/s". */
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
}

const WIDTH = 640;
const HEIGHT = 380;
const PLOT = { left: 80, right: 610, top: 64, bottom: 300 };
// Dark enough to read on the white background GitHub gives SVG images in either theme.
const COLORS = ['#1f5fbf', '#c2410c', '#15803d', '#7e22ce'];

/** "&", "<", ">" and quotes as XML entities, so a label cannot break the document. */
function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1,000 as "1k", 10,000,000 as "10M": short tick labels. */
export function shortNumber(value: number): string {
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  }
  return String(Number(value.toPrecision(3)));
}

/** A step of 1, 2 or 5 times a power of ten that splits 0..max into at most about five parts. */
function niceStep(max: number): number {
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const multiple = [1, 2, 5, 10].find((candidate) => candidate * power >= rough) ?? 10;
  return multiple * power;
}

/** The chart as a standalone SVG document. */
export function lineChartSvg(chart: LineChart): string {
  const points = chart.series.flatMap((series) => series.points);
  if (points.length === 0) throw new Error('a chart needs at least one point');
  const xs = points.map((point) => point.x);
  const [minimum, maximum] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const span = maximum - minimum || 1;
  // The first and last points sit a little inside the axes, so their whiskers stay clear of them.
  const [inLeft, inRight] = [PLOT.left + 16, PLOT.right - 16];
  const xAt = (x: number) => inLeft + ((Math.log10(x) - minimum) / span) * (inRight - inLeft);
  const top = Math.max(...points.map((point) => point.high)) || 1;
  const step = niceStep(top);
  const yMax = Math.ceil(top / step) * step;
  const yAt = (y: number) => PLOT.bottom - (y / yMax) * (PLOT.bottom - PLOT.top);
  const at = (value: number) => value.toFixed(1);

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold" fill="#111111">${escapeXml(chart.title)}</text>`,
  ];
  for (let y = 0; y <= yMax + step / 2; y += step) {
    parts.push(
      `<line x1="${PLOT.left}" y1="${at(yAt(y))}" x2="${PLOT.right}" y2="${at(yAt(y))}" stroke="#dddddd"/>`,
      `<text x="${PLOT.left - 6}" y="${at(yAt(y) + 4)}" text-anchor="end" fill="#333333">${shortNumber(y)}</text>`,
    );
  }
  // Ticks at every power of ten in range, and at each measured x too far from them to
  // share a label (100,574 sits on the 100k tick; 300 and 3,000 get their own).
  const ticks: number[] = [];
  for (let power = Math.ceil(minimum); power <= Math.floor(maximum); power += 1) ticks.push(10 ** power);
  for (const x of xs) if (ticks.every((tick) => Math.abs(xAt(tick) - xAt(x)) > 30)) ticks.push(x);
  for (const x of ticks.sort((first, second) => first - second)) {
    parts.push(
      `<line x1="${at(xAt(x))}" y1="${PLOT.bottom}" x2="${at(xAt(x))}" y2="${PLOT.bottom + 5}" stroke="#333333"/>`,
      `<text x="${at(xAt(x))}" y="${PLOT.bottom + 18}" text-anchor="middle" fill="#333333">${shortNumber(x)}</text>`,
    );
  }
  parts.push(
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#333333"/>`,
    `<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}" stroke="#333333"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 38}" text-anchor="middle" fill="#111111">${escapeXml(chart.xLabel)} (log scale)</text>`,
    `<text transform="translate(18 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#111111">${escapeXml(chart.yLabel)}</text>`,
  );
  chart.series.forEach((series, index) => {
    const color = COLORS[index % COLORS.length];
    const sorted = [...series.points].sort((first, second) => first.x - second.x);
    const line = sorted.map((point) => `${at(xAt(point.x))},${at(yAt(point.median))}`).join(' ');
    parts.push(`<g class="series" data-name="${escapeXml(series.name)}" stroke="${color}" fill="${color}">`);
    parts.push(`<polyline points="${line}" fill="none" stroke-width="2"/>`);
    for (const point of sorted) {
      const x = at(xAt(point.x));
      parts.push(
        `<line x1="${x}" y1="${at(yAt(point.low))}" x2="${x}" y2="${at(yAt(point.high))}" stroke-width="1.5"/>`,
        `<circle cx="${x}" cy="${at(yAt(point.median))}" r="3.5"><title>${escapeXml(`${shortNumber(point.x)}: ${shortNumber(point.median)} (${shortNumber(point.low)}–${shortNumber(point.high)})`)}</title></circle>`,
      );
    }
    // The legend sits in one row between the title and the plot, where no line can cross it.
    const legendX = PLOT.left + index * 240;
    parts.push(
      `<line x1="${legendX}" y1="44" x2="${legendX + 24}" y2="44" stroke-width="2"/>`,
      `<text x="${legendX + 30}" y="48" stroke="none" fill="#111111">${escapeXml(series.name)}</text>`,
      '</g>',
    );
  });
  parts.push(
    `<text x="${PLOT.right}" y="${HEIGHT - 10}" text-anchor="end" font-size="10" fill="#555555">dot: median of the runs; whisker: lowest–highest run</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
