import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { openStore, type Store } from '../db';
import { addServer } from './fleet';
import { recordSample } from './runs';
import { meteredIntervals, usage } from './usage';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
let store: Store;

beforeEach(async () => {
	store = await openStore({ kind: 'sqlite', path: ':memory:' });
	await addServer(store, { id: 'web-2', name: 'web-2', hourlyRate: '3.6' }, at('2026-10-01T00:00:00Z'));
});
afterEach(async () => {
	await store.close();
});

describe('metered intervals and usage', () => {
	it('never counts a second twice when a reboot claims time the previous run already had', async () => {
		await recordSample(store, 'web-2', at('2026-10-24T20:00:00Z'), at('2026-10-25T02:00:00Z'));
		// a clock that stepped back: the new boot claims to start before the last sighting
		await recordSample(store, 'web-2', at('2026-10-25T01:00:00Z'), at('2026-10-25T04:00:00Z'));
		const intervals = await meteredIntervals(store, 'web-2', at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'));
		expect(intervals).toEqual([
			{ start: at('2026-10-24T20:00:00Z'), end: at('2026-10-25T02:00:00Z') },
			{ start: at('2026-10-25T02:00:00Z'), end: at('2026-10-25T04:00:00Z') }
		]);
	});

	it('puts the 25-hour Berlin day in one bucket and prices each bucket at the server’s rate (an estimate)', async () => {
		await recordSample(store, 'web-2', at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'));
		const config = loadConfig({ BILLING_TIMEZONE: 'Europe/Berlin', CURRENCY: 'usd', HOURLY_RATE: '1', ENV_FILE: '' });
		const result = await usage(store, config, {
			serverId: 'web-2',
			from: at('2026-10-24T00:00:00Z'),
			to: at('2026-10-27T00:00:00Z'),
			bucket: 'day'
		});
		expect(result.buckets.map((b) => b.seconds / 3600)).toEqual([10, 25, 13, 0]);
		expect(result.totalSeconds).toBe(48 * 3600);
		// the server’s own rate ($3.60/h), not HOURLY_RATE
		expect(result.totalMinor).toBe(48 * 360);
		expect(result.currency).toBe('usd');
		await expect(usage(store, config, { from: 0, to: 500 * 24 * HOUR, bucket: 'hour' })).rejects.toThrow(/Too many buckets/);
	});
});
