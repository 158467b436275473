import { uptime } from 'node:os';
import { createBillingClient } from '../lib/client';
import { fileUptime, type UptimeSource } from '../lib/server/metering/uptime';

/**
 * This machine's boot = now − os.uptime(): the number systeminformation reads too, without
 * the dependency, so the agent bundles into one file that needs nothing but Node.
 */
export const osUptime: UptimeSource = {
	bootTime: (now) => Math.round((now - uptime() * 1000) / 1000) * 1000
};

export interface AgentOptions {
	url: string;
	token: string;
	intervalSeconds: number;
	/** for containers and tests: read the boot time from a file */
	bootTimeFile?: string;
	log?: (line: string) => void;
}

/**
 * Runs on another machine and reports its uptime through the typed tRPC client. While the
 * billing server is unreachable, sightings are kept (only the latest per boot matters, so
 * the backlog stays tiny) and sent in one batch when it answers again.
 */
export function runAgent(options: AgentOptions): { stop(): Promise<void> } {
	const client = createBillingClient(options.url, { token: options.token });
	const source = options.bootTimeFile ? fileUptime(options.bootTimeFile) : osUptime;
	const log = options.log ?? ((line: string) => console.log(line));
	/** boot time (ms) → latest time seen up (ms) */
	const backlog = new Map<number, number>();
	let sending: Promise<void> = Promise.resolve();

	function observe() {
		const now = Date.now();
		backlog.set(source.bootTime(now), now);
	}

	async function flush() {
		if (backlog.size === 0) return;
		const sent = [...backlog].slice(-1000);
		const beats = sent.map(([boot, seen]) => ({ bootTime: new Date(boot).toISOString(), seenAt: new Date(seen).toISOString() }));
		try {
			const result = await client.heartbeat.mutate({ beats });
			// forget what was delivered, unless a newer sighting of that boot arrived meanwhile
			for (const [boot, seen] of sent) if (backlog.get(boot) === seen) backlog.delete(boot);
			log(`heartbeat: ${result.accepted} sent, up since ${beats.at(-1)?.bootTime}`);
		} catch (error) {
			log(
				`heartbeat failed, will retry (${backlog.size} kept): ${error instanceof Error ? error.message : String(error)} (${options.url})`
			);
		}
	}

	const tick = () => {
		observe();
		sending = sending.then(flush);
	};
	tick();
	const timer = setInterval(tick, options.intervalSeconds * 1000);
	return {
		async stop() {
			clearInterval(timer);
			tick();
			await sending;
		}
	};
}
