import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Systeminformation from 'systeminformation';

/** Where a machine's boot time comes from. Times are ms since the epoch on whole seconds. */
export interface UptimeSource {
	/** Reads the current boot time; may be slow (tens of ms): call it per sample, not per request. */
	bootTime(now: number): number;
}

export const floorToSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

let si: typeof Systeminformation | undefined;

/** This machine, through systeminformation (loaded on first use: with BOOT_TIME_FILE it never is): boot = now − uptime. */
export const systemUptime: UptimeSource = {
	bootTime() {
		si ??= createRequire(import.meta.url)('systeminformation') as typeof Systeminformation;
		const { current, uptime } = si.time();
		return Math.round((Number(current) - Number(uptime) * 1000) / 1000) * 1000;
	}
};

/**
 * A file holding a boot time (ISO 8601 or epoch ms), re-read on every sample: for
 * containers whose uptime is the host's, and for tests that simulate boots and reboots.
 */
export function fileUptime(path: string): UptimeSource {
	return {
		bootTime() {
			const text = readFileSync(path, 'utf8').trim();
			const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
			if (!Number.isFinite(ms)) throw new Error(`BOOT_TIME_FILE ${path} does not hold a time`);
			return floorToSecond(ms);
		}
	};
}
