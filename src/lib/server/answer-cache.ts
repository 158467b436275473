import type { App } from './app';
import { LOCAL_SERVER_ID } from './metering/servers';
import type { Context } from './trpc/context';
import type { JsonReply } from './trpc/prototype';

/**
 * Serialized billingStatus answers, reused while nothing they are made of can change: the caller's whole identity (a body
 * never crosses roles, servers or customers), the locale, the input, the database (store version) and the clock — the
 * second, this machine's uptime and current run (billing/status.ts). This machine's lastSeenAt is `now` itself: spliced
 * in. A server never seen has periodEnd = now: not kept. No store version (PostgreSQL): nothing is kept. An answer still
 * being made is shared as well: the requests of a new second wait for one answer instead of each making it.
 */
export class AnswerCache {
	#entries = new Map<string, Entry | Promise<Entry | undefined>>();
	#second = 0;
	constructor(private readonly app: App) {}

	/** A remembered answer is returned as it is, not wrapped in a promise: fewer promises, less for Node 20's promise hooks. */
	answer(ctx: Context, what: string, make: () => Promise<JsonReply>): JsonReply | Promise<JsonReply> {
		const key = this.#key(ctx, what);
		const hit = key === undefined ? undefined : this.#entries.get(key);
		if (hit) return hit instanceof Promise ? hit.then((entry) => (entry ? this.#serve(entry) : make())) : this.#serve(hit);
		const made = make();
		if (key === undefined || this.#entries.size >= 1000) return made;
		// made within one key (no new second, write or run meanwhile): valid for the rest of it
		const ok = (reply: JsonReply) => (reply.status === 200 && key === this.#key(ctx, what) ? entryOf(reply) : undefined);
		const pending = made.then(ok, () => undefined);
		this.#entries.set(key, pending);
		void pending.then((entry) => this.#entries.get(key) === pending && (entry ? this.#entries.set(key, entry) : this.#entries.delete(key)));
		return made;
	}

	#serve({ reply, head, tail }: Entry): JsonReply {
		return head === undefined ? reply : { ...reply, body: head + JSON.stringify(new Date(this.app.clock()).toISOString()) + tail };
	}

	#key({ auth, locale }: Context, what: string): string | undefined {
		const version = this.app.store.version?.();
		if (version === undefined) return undefined;
		const now = this.app.clock();
		const second = Math.floor(now / 1000);
		// every key names its second: earlier entries are never hit again
		if (second !== this.#second) this.#entries.clear();
		this.#second = second;
		return `${what}\n${JSON.stringify(auth)}\n${locale}\n${version}\n${second} ${this.app.meter.uptimeSeconds(now)} ${this.app.meter.currentRunId}`;
	}
}

/** tRPC's billingStatus carries lastSeenAt (read once per key); the prototype's body does not, and is this machine's. */
type Entry = { reply: JsonReply; head?: string; tail?: string };
function entryOf(reply: JsonReply): Entry | undefined {
	const status = (JSON.parse(reply.body) as { result?: { data?: { serverId: string; lastSeenAt: string | null } } }).result?.data;
	if (!status) return { reply };
	if (status.serverId !== LOCAL_SERVER_ID) return status.lastSeenAt === null ? undefined : { reply };
	// `"lastSeenAt":` can only be a key: inside a JSON string its quotes would be escaped
	const parts = reply.body.split(`"lastSeenAt":${JSON.stringify(status.lastSeenAt)}`);
	return parts.length === 2 ? { reply, head: `${parts[0]}"lastSeenAt":`, tail: parts[1] } : undefined;
}
