import { valueScale } from './chartScale.js';
import { escapeHtml, raw, type Html } from './html.js';

export interface ChartOptions {
  /** Unique within the page: the ids of the chart's <title> and <desc>. */
  id: string;
  title: string;
  description?: string;
  kind: 'bar' | 'line';
  labels: readonly string[];
  values: readonly number[];
  xAxisLabel: string;
  yAxisLabel: string;
  /** How a value is written on the axis and in each point's tooltip (default: the number). */
  format?: (value: number) => string;
  width?: number;
  height?: number;
}

const MARGIN = { top: 16, right: 16, bottom: 72, left: 84 };
const MAX_X_LABELS = 24;
const LABEL_CHARS = 14;
const INK = '#1d2433';
const MUTED = '#566072';
const GRID = '#e3e7ee';
const FILL = '#1f4fbf';
const NEGATIVE = '#c62828';

const text = (value: string) => escapeHtml(value);
const short = (value: string) => (value.length > LABEL_CHARS ? `${value.slice(0, LABEL_CHARS - 1)}…` : value);
const at = (value: number) => Math.round(value * 10) / 10;

/**
 * A bar or line chart as inline SVG, drawn on the server: a value axis with round ticks and a
 * grid, one label per point on the other axis (thinned when there are many), axis titles, and a
 * <title> on each bar or point. Every text is escaped; role="img" with the chart's <title> and
 * <desc> is what a screen reader announces (the table below it holds the same numbers).
 */
export function svgChart(options: ChartOptions): Html {
  const width = options.width ?? 960;
  const height = options.height ?? 320;
  const format = options.format ?? ((value: number) => String(value));
  const plot = { x: MARGIN.left, y: MARGIN.top, width: width - MARGIN.left - MARGIN.right, height: height - MARGIN.top - MARGIN.bottom };
  const scale = valueScale(options.values);
  const yOf = (value: number) => plot.y + plot.height - ((value - scale.min) / (scale.max - scale.min)) * plot.height;
  const count = Math.max(1, options.values.length);
  const band = plot.width / count;
  const xOf = (index: number) => plot.x + band * index + band / 2;
  const every = Math.ceil(count / MAX_X_LABELS);
  const parts: string[] = [];

  for (const tick of scale.ticks) {
    const y = at(yOf(tick));
    parts.push(`<line x1="${plot.x}" x2="${plot.x + plot.width}" y1="${y}" y2="${y}" stroke="${tick === 0 ? MUTED : GRID}"/>`);
    parts.push(`<text x="${plot.x - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="${MUTED}">${text(format(tick))}</text>`);
  }
  options.labels.forEach((label, index) => {
    if (index % every !== 0) return;
    const x = at(xOf(index));
    const y = plot.y + plot.height + 14;
    parts.push(`<text x="${x}" y="${y}" text-anchor="end" font-size="11" fill="${INK}" transform="rotate(-35 ${x} ${y})">${text(short(label))}</text>`);
  });
  if (options.kind === 'bar') {
    const barWidth = at(Math.max(1, band * 0.7));
    options.values.forEach((value, index) => {
      const top = Math.min(yOf(value), yOf(0));
      parts.push(
        `<rect x="${at(xOf(index) - barWidth / 2)}" y="${at(top)}" width="${barWidth}" height="${at(Math.abs(yOf(value) - yOf(0)))}" fill="${value < 0 ? NEGATIVE : FILL}">` +
          `<title>${text(`${options.labels[index] ?? ''}: ${format(value)}`)}</title></rect>`,
      );
    });
  } else if (options.values.length) {
    const points = options.values.map((value, index) => `${at(xOf(index))},${at(yOf(value))}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${FILL}" stroke-width="2"/>`);
    options.values.forEach((value, index) => {
      parts.push(`<circle cx="${at(xOf(index))}" cy="${at(yOf(value))}" r="3.5" fill="${FILL}"><title>${text(`${options.labels[index] ?? ''}: ${format(value)}`)}</title></circle>`);
    });
  }
  const middleY = at(plot.y + plot.height / 2);
  parts.push(`<text x="14" y="${middleY}" text-anchor="middle" font-size="12" fill="${INK}" transform="rotate(-90 14 ${middleY})">${text(options.yAxisLabel)}</text>`);
  parts.push(`<text x="${at(plot.x + plot.width / 2)}" y="${height - 6}" text-anchor="middle" font-size="12" fill="${INK}">${text(options.xAxisLabel)}</text>`);
  const description = options.description ?? `${options.values.length} ${options.kind === 'bar' ? 'bars' : 'points'}`;
  return raw(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" aria-labelledby="${text(options.id)}-title ${text(options.id)}-desc">` +
      `<title id="${text(options.id)}-title">${text(options.title)}</title><desc id="${text(options.id)}-desc">${text(description)}</desc>` +
      `${parts.join('')}</svg>`,
  );
}
