import type { App } from '../app';
import { LOCAL_SERVER_ID } from '../metering/servers';
import type { Context } from '../trpc/context';
import type { JsonReply } from '../trpc/prototype';

/**
 * Serialized billingStatus answers, reused while nothing they are made of can change: the caller (role and identity: a
 * body never crosses them), the locale, the input, the database (store version) and the clock — through the second, this
 * machine's uptime in seconds and its current run (billing/status.ts). This machine's lastSeenAt is `now` itself: spliced
 * in. A server never seen has periodEnd = now: not kept. No store version (PostgreSQL, where other instances write):
 * nothing is kept, every answer is made afresh.
 */
export class AnswerCache {
	#entries = new Map<string, { reply: JsonReply; head?: string; tail?: string }>();
	#second = 0;

	constructor(private readonly app: App) {}

	/** A remembered answer is returned as it is, not wrapped in a promise: fewer promises, less for Node 20's promise hooks. */
	answer(ctx: Context, what: string, make: () => Promise<JsonReply>): JsonReply | Promise<JsonReply> {
		const key = this.#key(ctx, what);
		const hit = key === undefined ? undefined : this.#entries.get(key);
		if (hit?.head !== undefined)
			return { ...hit.reply, body: hit.head + JSON.stringify(new Date(this.app.clock()).toISOString()) + hit.tail };
		if (hit) return hit.reply;
		return make().then((reply) => {
			// made within one key (no new second, write or run meanwhile): valid for the rest of it
			const entry = key !== undefined && reply.status === 200 && key === this.#key(ctx, what) ? entryOf(reply) : undefined;
			if (entry && this.#entries.size < 1000) this.#entries.set(key!, entry);
			return reply;
		});
	}

	#key({ auth, locale }: Context, what: string): string | undefined {
		const version = this.app.store.version?.();
		if (version === undefined) return undefined;
		const now = this.app.clock();
		const second = Math.floor(now / 1000);
		// every key names its second: earlier entries are never hit again
		if (second !== this.#second) this.#entries.clear();
		this.#second = second;
		const clock = `${second} ${this.app.meter.uptimeSeconds(now)} ${this.app.meter.currentRunId}`;
		return `${what}\n${auth.role === 'admin' ? 'admin' : JSON.stringify(auth)}\n${locale}\n${version}\n${clock}`;
	}
}

/** tRPC's billingStatus carries lastSeenAt (read once per key); the prototype's body does not, and is this machine's. */
function entryOf(reply: JsonReply) {
	const status = (JSON.parse(reply.body) as { result?: { data?: { serverId: string; lastSeenAt: string | null } } }).result?.data;
	if (!status) return { reply };
	if (status.serverId !== LOCAL_SERVER_ID) return status.lastSeenAt === null ? undefined : { reply };
	// `"lastSeenAt":` can only be a key: inside a JSON string its quotes would be escaped
	const at = reply.body.indexOf(`"lastSeenAt":${JSON.stringify(status.lastSeenAt)}`);
	const start = at + '"lastSeenAt":'.length;
	return at === -1
		? undefined
		: { reply, head: reply.body.slice(0, start), tail: reply.body.slice(start + JSON.stringify(status.lastSeenAt).length) };
}
