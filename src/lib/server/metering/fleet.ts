import type { ExpressionBuilder, QueryCreator } from 'kysely';
import type { Store } from '../db';
import type { DB } from '../db/schema';
import { isUniqueViolation } from '../db';
import { newToken, sha256 } from '../auth/tokens';
import { Failure } from '../errors';
import { getServer, LOCAL_SERVER_ID } from './servers';

/** A remote server counts as online while its last heartbeat is this recent. */
export const ONLINE_WITHIN_MS = 2 * 60_000;

/**
 * Registers a remote server and returns its agent token — shown once: only its hash is
 * stored, so a leaked database cannot send heartbeats.
 */
export async function addServer(
	store: Store,
	input: { id: string; name: string; hourlyRate?: string; meteringStart?: number },
	now: number
): Promise<{ serverId: string; token: string }> {
	const token = newToken('sba_');
	try {
		await store.db
			.insertInto('servers')
			.values({
				id: input.id,
				name: input.name,
				is_local: 0,
				hourly_rate: input.hourlyRate ?? null,
				// no billable time before this: by default the moment it was registered (an agent cannot claim a boot in 1970)
				metering_start: input.meteringStart ?? now,
				stripe_customer_id: null,
				agent_token_hash: sha256(token),
				created_at: now
			})
			.execute();
	} catch (error) {
		if (isUniqueViolation(error)) throw new Failure('SERVER_EXISTS', `A server with id "${input.id}" already exists`);
		throw error;
	}
	return { serverId: input.id, token };
}

/** Renames a server, changes its rate (for time not billed yet) or its metering start. */
export async function updateServer(
	store: Store,
	input: { serverId: string; name?: string; hourlyRate?: string; meteringStart?: number }
): Promise<void> {
	const patch = {
		...(input.name !== undefined && { name: input.name }),
		...(input.hourlyRate !== undefined && { hourly_rate: input.hourlyRate }),
		...(input.meteringStart !== undefined && { metering_start: input.meteringStart })
	};
	if (Object.keys(patch).length === 0) {
		await getServer(store, input.serverId);
		return;
	}
	const result = await store.db.updateTable('servers').set(patch).where('id', '=', input.serverId).executeTakeFirst();
	if (Number(result.numUpdatedRows) === 0) throw new Failure('SERVER_NOT_FOUND', `No server with id "${input.serverId}"`);
}

/** Replaces a server's agent token (the old one stops working at once). */
export async function rotateAgentToken(store: Store, serverId: string): Promise<string> {
	if (serverId === LOCAL_SERVER_ID) throw new Failure('FORBIDDEN', 'This machine is metered by the app itself and has no agent');
	const token = newToken('sba_');
	const result = await store.db
		.updateTable('servers')
		.set({ agent_token_hash: sha256(token) })
		.where('id', '=', serverId)
		.executeTakeFirst();
	if (Number(result.numUpdatedRows) === 0) throw new Failure('SERVER_NOT_FOUND', `No server with id "${serverId}"`);
	return token;
}

/**
 * Servers with their latest run, for the fleet list: the newest run of each is found
 * through the (server_id, boot_time) index, so the cost follows the servers listed, not
 * the runs stored. `limit` keeps a big fleet's first page cheap.
 */
export async function fleet(store: Store, now: number, limit?: number) {
	// order and cut the servers first, then look up the latest run of just those
	const listed = (db: QueryCreator<DB>) => {
		const query = db
			.selectFrom('servers')
			.select(['id', 'name', 'is_local', 'hourly_rate'])
			.orderBy('is_local', 'desc')
			.orderBy('name')
			.orderBy('id');
		return limit === undefined ? query : query.limit(limit);
	};
	const latest = (column: 'boot_time' | 'last_seen_at') => (eb: ExpressionBuilder<DB & { listed: ListedServer }, 'listed'>) =>
		eb
			.selectFrom('runs')
			.select(`runs.${column}`)
			.whereRef('runs.server_id', '=', 'listed.id')
			.orderBy('runs.last_seen_at', 'desc')
			.limit(1);
	const rows = await store.db
		.with('listed', listed)
		.selectFrom('listed')
		.select(['listed.id', 'listed.name', 'listed.is_local', 'listed.hourly_rate'])
		.select((eb) => [latest('boot_time')(eb).as('boot_time'), latest('last_seen_at')(eb).as('last_seen_at')])
		.orderBy('listed.is_local', 'desc')
		.orderBy('listed.name')
		.orderBy('listed.id')
		.execute();
	return rows.map((r) => {
		const isLocal = r.is_local === 1;
		const lastSeen = isLocal ? now : r.last_seen_at;
		return {
			id: r.id,
			name: r.name,
			isLocal,
			hourlyRate: r.hourly_rate,
			bootTime: r.boot_time == null ? null : new Date(Number(r.boot_time)).toISOString(),
			lastSeenAt: lastSeen === null ? null : new Date(lastSeen).toISOString(),
			online: isLocal || (lastSeen !== null && now - lastSeen <= ONLINE_WITHIN_MS),
			uptimeSeconds: r.boot_time === null || lastSeen === null ? 0 : Math.max(0, Math.floor((lastSeen - r.boot_time) / 1000))
		};
	});
}

interface ListedServer {
	id: string;
	name: string;
	is_local: number;
	hourly_rate: string | null;
}

export async function countServers(store: Store): Promise<number> {
	const row = await store.db
		.selectFrom('servers')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}
