/** What the lane logs through: one JSON line per event by default, silent in tests. */
export interface LaneLogger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

function write(level: string, base: Record<string, unknown>, event: string, fields?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), level, event, ...base, ...fields })}\n`);
}

export function jsonLogger(base: Record<string, unknown> = {}): LaneLogger {
  return {
    info: (event, fields) => write('info', base, event, fields),
    warn: (event, fields) => write('warn', base, event, fields),
    error: (event, fields) => write('error', base, event, fields),
  };
}

export const silentLogger: LaneLogger = { info() {}, warn() {}, error() {} };
