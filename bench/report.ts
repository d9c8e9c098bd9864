import { writeFileSync } from 'node:fs';
import type { MachineInfo } from './machine.js';
import { round } from './stats.js';

/** The published figures (docs/operations.md, "Benchmark") and which way each must go. */
export const TARGETS = {
  scan_to_command_p50_ms: { target: 2, better: 'lower' },
  scan_to_command_p99_ms: { target: 5, better: 'lower' },
  frame_to_command_p99_ms: { target: 50, better: 'lower' },
  validations_per_s: { target: 6000, better: 'higher' },
  passage_to_charge_p99_ms: { target: 2000, better: 'lower' },
  journeys_priced_per_s: { target: 5000, better: 'higher' },
  obu_to_barrier_p99_ms: { target: 5, better: 'lower' },
  gantry_reads_per_s: { target: 2000, better: 'higher' },
  scan_to_command_p99_under_faults_ms: { target: 20, better: 'lower' },
  report_10m_ms: { target: 300, better: 'lower' },
} as const;

export type FigureKey = keyof typeof TARGETS;
/** null: the figure's phase was skipped (it says why in its details). */
export type Figures = Record<FigureKey, number | null>;

export interface BenchResults extends Figures {
  machine: MachineInfo;
  /** How many measurements each figure is drawn from. */
  samples: Record<FigureKey, number>;
  [detail: string]: unknown;
}

export function passes(key: FigureKey, figure: number | null): boolean {
  const { target, better } = TARGETS[key];
  return figure !== null && Number.isFinite(figure) && (better === 'lower' ? figure <= target : figure >= target);
}

export function writeResults(file: string, results: BenchResults): void {
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** The figures against their targets, one row each, then the machine they were measured on. */
export function formatTable(results: BenchResults): string {
  const header = ['figure', 'value', 'target', 'ratio', 'n', 'result'];
  const rows = (Object.keys(TARGETS) as FigureKey[]).map((key) => {
    const { target, better } = TARGETS[key];
    const figure = results[key];
    // A phase that could not run (report_10m_ms without PostgreSQL) or was turned off (BENCH_FAULT_KILLS=0)
    // measured nothing: neither a pass nor a failure.
    if (figure === null || figure === undefined || (results.samples[key] === 0 && !Number.isFinite(figure))) return [key, '-', `${better === 'lower' ? '<=' : '>='} ${target}`, '-', '0', 'skipped'];
    return [key, String(figure), `${better === 'lower' ? '<=' : '>='} ${target}`, String(round(figure / target, 3)), String(results.samples[key]), passes(key, figure) ? 'pass' : 'FAIL'];
  });
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  const { machine } = results;
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}`,
  ].join('\n');
}
