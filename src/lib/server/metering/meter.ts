import type { Store } from '../db';
import type { Run } from '../db/schema';
import { recordSample } from './runs';
import { LOCAL_SERVER_ID } from './servers';
import type { UptimeSource } from './uptime';

export type Clock = () => number;

/**
 * Meters this machine: samples its boot time into the runs table and keeps the
 * last reading so requests can compute uptime without touching the OS or the disk.
 */
export class LocalMeter {
	#bootTime: number | undefined;
	#current: Run | undefined;

	constructor(
		private readonly store: Store,
		private readonly source: UptimeSource,
		private readonly clock: Clock
	) {}

	async sample(): Promise<Run> {
		const now = this.clock();
		const bootTime = this.source.bootTime(now);
		this.#current = await recordSample(this.store, LOCAL_SERVER_ID, bootTime, now);
		this.#bootTime = this.#current.boot_time;
		return this.#current;
	}

	/** The boot time of the last sample (the run's stored boot, stable across jitter). */
	get bootTime(): number {
		if (this.#bootTime === undefined) throw new Error('LocalMeter.sample() has not run yet');
		return this.#bootTime;
	}

	/** The run the last sample belongs to: the one still growing while this app is up. */
	get currentRunId(): number | undefined {
		return this.#current?.id;
	}

	uptimeSeconds(now = this.clock()): number {
		return Math.max(0, Math.floor((now - this.bootTime) / 1000));
	}
}
