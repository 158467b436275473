import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadTarget {
	name: string;
	url: string;
	method?: 'GET' | 'POST';
	headers?: Record<string, string>;
	/** a new body per request (heartbeat batches move forward in time) */
	body?: () => string;
	connections?: number;
	/** work items per request (heartbeats in a batch) */
	itemsPerRequest?: number;
}

export interface Round {
	requestsPerSecond: number;
	p99Ms: number;
	errors: number;
	/** highest VmRSS of the watched process seen during the round, MB */
	peakRssMb: number | undefined;
}

/** One autocannon run against a target, sampling the server's RSS meanwhile. */
export async function runRound(target: LoadTarget, seconds: number, watchPid?: number): Promise<Round> {
	let peakRss: number | undefined;
	const sample = () => {
		const rss = watchPid === undefined ? undefined : memoryOf(watchPid).rssMb;
		if (rss !== undefined) peakRss = Math.max(peakRss ?? 0, rss);
	};
	const sampler = setInterval(sample, 100);
	try {
		const result = await autocannon({
			url: target.url,
			method: target.method ?? 'GET',
			headers: target.headers,
			connections: target.connections ?? 50,
			duration: seconds,
			timeout: 10,
			requests: target.body ? [{ setupRequest: (request) => ({ ...request, body: target.body!() }) }] : undefined
		});
		sample();
		return {
			requestsPerSecond: result.requests.total / result.duration,
			p99Ms: result.latency.p99,
			errors: result.errors + result.timeouts + result.non2xx,
			peakRssMb: peakRss
		};
	} finally {
		clearInterval(sampler);
	}
}

/**
 * Waits until the process has (nearly) stopped using the CPU: work queued by the last round
 * (say, heartbeat batches still being written) must not be billed to the next one.
 */
export async function waitIdle(pid: number, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = cpuTicks(pid);
	while (Date.now() < deadline) {
		await new Promise((r) => setTimeout(r, 200));
		const now = cpuTicks(pid);
		if (now === undefined || last === undefined || now - last <= 2) return;
		last = now;
	}
}

/** utime + stime of a process, in clock ticks (1/100 s). */
function cpuTicks(pid: number): number | undefined {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return Number(fields[11]) + Number(fields[12]);
	} catch {
		return undefined;
	}
}

/** VmRSS (now) and VmHWM (peak over the process's life) from /proc, in MB. */
export function memoryOf(pid: number): { rssMb: number | undefined; hwmMb: number | undefined } {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const field = (name: string) => {
			const kb = status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1];
			return kb === undefined ? undefined : Number(kb) / 1024;
		};
		return { rssMb: field('VmRSS'), hwmMb: field('VmHWM') };
	} catch {
		return { rssMb: undefined, hwmMb: undefined };
	}
}

export const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
