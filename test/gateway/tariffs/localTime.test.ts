import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { localTime } from '../../../gateway/tariffs/localTime.js';

// Zones with daylight saving, half-hour and quarter-hour offsets, and a half-hour clock change.
const ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'UTC'];

describe('local time of an instant in a tariff zone', () => {
  it('when any instant from 2000 to 2040 is read in any of these zones, then the date, weekday and minute are what Intl says', () => {
    const formats = new Map(ZONES.map((timeZone) => [timeZone, new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' })]));
    const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (timeZone, atMs) => {
        const parts: Record<string, string> = {};
        for (const part of formats.get(timeZone)!.formatToParts(atMs)) parts[part.type] = part.value;
        assert.deepEqual(localTime(atMs, timeZone), { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: weekdays.indexOf(parts.weekday) + 1, minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute) });
      }),
      { numRuns: 20_000 },
    );
  });

  it('when instants straddle the spring and autumn clock changes in Paris, then each minute reads as the wall clock showed it', () => {
    const spring = Date.UTC(2026, 2, 29, 1, 0); // 02:00 CET becomes 03:00 CEST
    assert.equal(localTime(spring - 60_000, 'Europe/Paris').minuteOfDay, 1 * 60 + 59);
    assert.equal(localTime(spring, 'Europe/Paris').minuteOfDay, 3 * 60);
    const autumn = Date.UTC(2026, 9, 25, 1, 0); // 03:00 CEST becomes 02:00 CET
    assert.equal(localTime(autumn - 60_000, 'Europe/Paris').minuteOfDay, 2 * 60 + 59);
    assert.equal(localTime(autumn, 'Europe/Paris').minuteOfDay, 2 * 60);
  });
});
