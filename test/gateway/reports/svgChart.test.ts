import assert from 'node:assert/strict';
import { niceStep, valueScale } from '../../../gateway/console/chartScale.js';
import { svgChart, type ChartOptions } from '../../../gateway/console/svgChart.js';

const base: ChartOptions = { id: 'c', title: 'Net revenue by day', kind: 'bar', labels: ['a', 'b', 'c'], values: [10, 20, 40], xAxisLabel: 'Business day', yAxisLabel: 'Net revenue (EUR)' };
const all = (svg: string, pattern: RegExp) => [...svg.matchAll(pattern)];
const numberOf = (svg: string, attribute: string) => all(svg, new RegExp(`<rect [^>]*${attribute}="([-\\d.]+)"`, 'g')).map((match) => Number(match[1]));

describe('server-rendered SVG charts', () => {
  it('when the values are spread, then the axis runs from zero to a round number above the largest in round steps', () => {
    assert.deepEqual(valueScale([3, 7]), { min: 0, max: 8, ticks: [0, 2, 4, 6, 8] });
    assert.deepEqual(valueScale([-150, 900]), { min: -500, max: 1000, ticks: [-500, 0, 500, 1000] });
    assert.deepEqual(valueScale([]), { min: 0, max: 1, ticks: [0, 1] });
    assert.deepEqual(valueScale([0, 0]), { min: 0, max: 1, ticks: [0, 1] });
    assert.deepEqual([niceStep(7, 5), niceStep(1050, 5), niceStep(3_000_000, 5)], [2, 500, 1_000_000]);
  });

  it('when drawn as bars, then each value is one bar whose height is in proportion, with its label and value in a title', () => {
    const svg = svgChart(base).text;
    assert.equal(all(svg, /<rect /g).length, 3);
    const heights = numberOf(svg, 'height');
    assert.ok(Math.abs(heights[1] / heights[0] - 2) < 0.02 && Math.abs(heights[2] / heights[0] - 4) < 0.02, `heights ${heights}`);
    assert.deepEqual(all(svg, /<title>([^<]*)<\/title><\/rect>/g).map((match) => match[1]), ['a: 10', 'b: 20', 'c: 40']);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" role="img" viewBox="0 0 960 320" aria-labelledby="c-title c-desc">/);
    assert.match(svg, /<title id="c-title">Net revenue by day<\/title><desc id="c-desc">3 bars<\/desc>/);
    assert.match(svg, />Business day<\/text>/);
    assert.match(svg, /rotate\(-90 [^)]*\)">Net revenue \(EUR\)<\/text>/);
  });

  it('when a value is negative, then its bar hangs below the zero line in the warning colour', () => {
    const svg = svgChart({ ...base, values: [100, -50] }).text;
    const [up, down] = all(svg, /<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="([^"]+)"/g).map((match) => ({ y: Number(match[1]), height: Number(match[2]), fill: match[3] }));
    assert.ok(Math.abs(up.y + up.height - down.y) < 0.2, 'both bars meet at the zero line');
    assert.ok(Math.abs(up.height - 2 * down.height) < 0.2);
    assert.notEqual(up.fill, down.fill);
  });

  it('when drawn as a line, then there is one point per value joined by one polyline', () => {
    const svg = svgChart({ ...base, kind: 'line', values: [1, 2, 3, 4], labels: ['1', '2', '3', '4'] }).text;
    assert.equal(all(svg, /<circle /g).length, 4);
    assert.equal(all(svg, /<polyline points="([^"]+)"/g)[0][1].split(' ').length, 4);
    assert.equal(all(svg, /<rect /g).length, 0);
  });

  it('when labels and titles hold markup, then every text is escaped', () => {
    const svg = svgChart({ ...base, id: 'x"y', title: '<script>alert(1)</script>', labels: ['"><img src=x onerror=alert(1)>', 'R&D', "O'Hare"], format: (value) => `<${value}>` }).text;
    assert.doesNotMatch(svg, /<script|<img/);
    assert.match(svg, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(svg, /R&amp;D: &lt;20&gt;/);
    assert.match(svg, /aria-labelledby="x&quot;y-title x&quot;y-desc"/);
  });

  it('when there are many points, then only every few are labelled and long labels are shortened', () => {
    const labels = Array.from({ length: 60 }, (_, i) => `Station number ${i}`);
    const svg = svgChart({ ...base, labels, values: labels.map((_, i) => i) }).text;
    const axisLabels = all(svg, /transform="rotate\(-35[^"]*">([^<]*)<\/text>/g).map((match) => match[1]);
    assert.ok(axisLabels.length <= 24 && axisLabels.length >= 20, `${axisLabels.length} labels`);
    assert.equal(axisLabels[0], 'Station numbe…');
    assert.equal(all(svg, /<rect /g).length, 60, 'every value still has its bar');
  });
});
