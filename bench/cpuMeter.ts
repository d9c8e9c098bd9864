import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux reports process times in USER_HZ ticks, 100 a second on every mainstream kernel. */
const TICK_MS = 10;

export interface CpuReading {
  /** Busy time of all cores together, in ms. */
  machineBusyMs: number;
  /** CPU time of the given processes, in ms. */
  processMs: Record<string, number>;
}

export interface CpuShare {
  /** Each process, and the rest of the machine, as percent of one core over the interval. */
  percentOfOneCore: Record<string, number>;
  machinePercentOfAllCores: number;
}

/**
 * CPU time of the machine and of named processes over an interval, so the report shows whether
 * something else was running meanwhile: on a shared 2-core machine that moves the tail latencies.
 */
export class CpuMeter {
  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  read(): CpuReading {
    const machineBusyMs = cpus().reduce((total, core) => total + core.times.user + core.times.nice + core.times.sys + core.times.irq, 0);
    const processMs: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids())) if (pid !== undefined) processMs[name] = processCpuMs(pid);
    return { machineBusyMs, processMs };
  }

  share(before: CpuReading, after: CpuReading, wallMs: number): CpuShare {
    const percent = (ms: number) => Math.round((ms / wallMs) * 1000) / 10;
    const percentOfOneCore: Record<string, number> = {};
    let ours = 0;
    for (const [name, ms] of Object.entries(after.processMs)) {
      const used = ms - (before.processMs[name] ?? 0);
      ours += used;
      percentOfOneCore[name] = percent(used);
    }
    const machineMs = after.machineBusyMs - before.machineBusyMs;
    percentOfOneCore.otherProcesses = percent(Math.max(0, machineMs - ours));
    return { percentOfOneCore, machinePercentOfAllCores: Math.round((machineMs / wallMs / cpus().length) * 1000) / 10 };
  }
}

function processCpuMs(pid: number): number {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}
