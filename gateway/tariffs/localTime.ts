/**
 * Local wall time of an instant in a tariff's IANA time zone (via Intl, so daylight saving time
 * follows the zone's rules), and the business day and week it belongs to.
 */
export interface LocalTime {
  /** The calendar date, YYYY-MM-DD. */
  date: string;
  /** ISO weekday, 1 Monday .. 7 Sunday. */
  weekday: number;
  minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const QUARTER_HOUR = 900_000;
const offsets = new Map<string, number>();

/**
 * The zone's offset from UTC at an instant, asked of Intl once per quarter hour of UTC time: zones
 * change their offset only on a quarter hour (offsets since 1970 are whole quarter hours, and
 * changes happen at a whole local hour or half hour), and Intl costs microseconds a call.
 */
function offsetAt(atMs: number, timeZone: string): number {
  const quarter = Math.floor(atMs / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${timeZone} ${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const parts: Record<string, string> = {};
    for (const part of formatterFor(timeZone).formatToParts(quarter)) parts[part.type] = part.value;
    offset = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute)) - quarter;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

export function localTime(atMs: number, timeZone: string): LocalTime {
  const wall = new Date(atMs + offsetAt(atMs, timeZone));
  const date = wall.toISOString().slice(0, 10);
  const weekday = wall.getUTCDay();
  return { date, weekday: weekday === 0 ? 7 : weekday, minuteOfDay: wall.getUTCHours() * 60 + wall.getUTCMinutes() };
}

/** "04:30" -> 270. */
export function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The business day (YYYY-MM-DD) of an instant: before the cut-off it is still the day before. */
export function businessDay(atMs: number, timeZone: string, cutoff: string): string {
  const local = localTime(atMs, timeZone);
  return local.minuteOfDay < minutesOf(cutoff) ? addDays(local.date, -1) : local.date;
}

/** The business week of an instant, named by its Monday. */
export function businessWeek(atMs: number, timeZone: string, cutoff: string): string {
  const day = businessDay(atMs, timeZone, cutoff);
  return addDays(day, 1 - isoWeekday(day));
}

/** The instants a business day covers, [fromMs, toMs): from its cut-off to the next day's (23 or 25 hours across a clock change). */
export function businessDayBounds(day: string, timeZone: string, cutoff: string): { fromMs: number; toMs: number } {
  return { fromMs: instantOfLocal(day, minutesOf(cutoff), timeZone), toMs: instantOfLocal(addDays(day, 1), minutesOf(cutoff), timeZone) };
}

/** The instant a local wall time names in a zone (the later one when a clock change repeats it). */
export function instantOfLocal(date: string, minuteOfDay: number, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minuteOfDay * 60_000;
  let guess = wall;
  // Two corrections reach the zone's offset on both sides of a clock change.
  for (let round = 0; round < 2; round += 1) {
    const local = localTime(guess, timeZone);
    const seen = Date.parse(`${local.date}T00:00:00Z`) + local.minuteOfDay * 60_000;
    guess += wall - seen;
  }
  return guess;
}
