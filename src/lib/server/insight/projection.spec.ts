import { describe, expect, it } from 'vitest';
import { currency } from '../billing/currency';
import { projectMonth } from './projection';

const HOUR = 3_600_000;
const base = { monthToDateMinor: 1000, now: 0, monthEnd: 10 * HOUR, rateMicros: 100_000_000n, currency: currency('jpy') };

describe('month projection', () => {
	it('adds the rest of the month at the rate while the server is up', () => {
		expect(projectMonth({ ...base, online: true })).toEqual({ projectedMinor: 2000, capped: false });
	});
	it('adds nothing for a server that is down', () => {
		expect(projectMonth({ ...base, online: false })).toEqual({ projectedMinor: 1000, capped: false });
	});
	it('stops at the monthly cap', () => {
		expect(projectMonth({ ...base, online: true, capMinor: 1500n })).toEqual({ projectedMinor: 1500, capped: true });
	});
});
