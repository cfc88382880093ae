import { describe, expect, it } from 'vitest';
import { type LineChart, lineChartSvg, shortNumber } from './svg-line-chart.ts';

/**
 * A tiny well-formedness check: every tag balanced, every attribute quoted, no bare "<"
 * or "&" in text. Returns the elements in document order (name and attributes).
 */
function parseElements(xml: string): { name: string; attributes: Record<string, string> }[] {
  const elements: { name: string; attributes: Record<string, string> }[] = [];
  const open: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let at = 0;
  while (at < xml.length) {
    const next = xml.indexOf('<', at);
    const text = xml.slice(at, next === -1 ? xml.length : next);
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`bare & in text: ${text}`);
    if (next === -1) break;
    tag.lastIndex = next;
    const match = tag.exec(xml);
    if (!match) throw new Error(`malformed tag at ${next}: ${xml.slice(next, next + 40)}`);
    const [whole, closing, name = '', attributeText = '', selfClosing] = match;
    if (closing) {
      if (open.pop() !== name) throw new Error(`unbalanced </${name}>`);
    } else {
      const attributes: Record<string, string> = {};
      for (const [, key = '', value = ''] of attributeText.matchAll(/([\w:-]+)="([^"]*)"/g)) attributes[key] = value;
      elements.push({ name, attributes });
      if (!selfClosing) open.push(name);
    }
    at = next + whole.length;
  }
  if (open.length > 0) throw new Error(`unclosed <${open.join('>, <')}>`);
  return elements;
}

const chart: LineChart = {
  title: 'Fan-out <& scaling>',
  xLabel: 'subscribers',
  yLabel: 'deliveries/s',
  series: [
    {
      name: 'Once',
      points: [
        { x: 100, median: 90_000, low: 80_000, high: 95_000 },
        { x: 1_000, median: 70_000, low: 60_000, high: 72_000 },
        { x: 10_000, median: 40_000, low: 35_000, high: 50_000 },
      ],
    },
    {
      name: 'bare node:http',
      points: [
        { x: 100, median: 100_000, low: 99_000, high: 101_000 },
        { x: 10_000, median: 80_000, low: 79_000, high: 81_000 },
      ],
    },
  ],
};

describe('lineChartSvg', () => {
  it('writes a well-formed SVG document on a white background, labels escaped', () => {
    const svg = lineChartSvg(chart);
    const elements = parseElements(svg);
    expect(elements[0]?.name).toBe('svg');
    expect(elements[1]?.name).toBe('title');
    expect(elements[2]).toMatchObject({ name: 'rect', attributes: { fill: '#ffffff' } });
    expect(svg).toContain('Fan-out &lt;&amp; scaling&gt;');
  });

  it('draws one line per series through every median, left to right, higher figures higher up', () => {
    const elements = parseElements(lineChartSvg(chart));
    const lines = elements.filter((element) => element.name === 'polyline');
    expect(lines).toHaveLength(2);
    const points = (lines[0]?.attributes.points ?? '').split(' ').map((pair) => pair.split(',').map(Number));
    expect(points).toHaveLength(3);
    const xs = points.map(([x]) => x as number);
    const ys = points.map(([, y]) => y as number);
    expect(xs).toEqual([...xs].sort((first, second) => (first as number) - (second as number)));
    // Log scale: 100 → 1,000 covers as much width as 1,000 → 10,000.
    expect((xs[1] as number) - (xs[0] as number)).toBeCloseTo((xs[2] as number) - (xs[1] as number), 0);
    // SVG y grows downwards: 90k sits above 70k, which sits above 40k.
    expect(ys[0]).toBeLessThan(ys[1] as number);
    expect(ys[1]).toBeLessThan(ys[2] as number);
    expect(elements.filter((element) => element.name === 'circle')).toHaveLength(5);
  });

  it('draws each whisker from the lowest to the highest run, around the median', () => {
    const elements = parseElements(lineChartSvg(chart));
    const circles = elements.filter((element) => element.name === 'circle');
    const whiskers = elements.filter(
      (element, index) => element.name === 'line' && elements[index + 1]?.name === 'circle',
    );
    expect(whiskers).toHaveLength(circles.length);
    whiskers.forEach((whisker, index) => {
      const median = Number(circles[index]?.attributes.cy);
      expect(whisker.attributes.x1).toBe(circles[index]?.attributes.cx);
      expect(Number(whisker.attributes.y1)).toBeGreaterThanOrEqual(median); // low, further down
      expect(Number(whisker.attributes.y2)).toBeLessThanOrEqual(median); // high, further up
    });
  });

  it('names each series in the legend and ticks the x axis at the powers of ten', () => {
    const svg = lineChartSvg(chart);
    expect(svg).toContain('>Once</text>');
    expect(svg).toContain('>bare node:http</text>');
    for (const label of ['>100</text>', '>1k</text>', '>10k</text>']) expect(svg).toContain(label);
  });

  it('labels a measured x near a power of ten with the power alone, and one far from them with its own', () => {
    const svg = lineChartSvg({
      ...chart,
      series: [
        {
          name: 'log',
          points: [10_001, 100_574, 300_000, 1_000_916].map((x) => ({ x, median: 1, low: 1, high: 1 })),
        },
      ],
    });
    const labels = [...svg.matchAll(/text-anchor="middle" fill="#333333">([^<]+)</g)].map((match) => match[1]);
    expect(labels).toEqual(['10k', '100k', '300k', '1M']);
  });

  it('refuses a chart with no points', () => {
    expect(() => lineChartSvg({ ...chart, series: [] })).toThrow();
  });
});

describe('shortNumber', () => {
  it('shortens thousands and millions', () => {
    expect([shortNumber(950), shortNumber(1_000), shortNumber(12_500), shortNumber(10_000_000)]).toEqual([
      '950',
      '1k',
      '12.5k',
      '10M',
    ]);
  });
});
