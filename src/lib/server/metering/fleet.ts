import type { Store } from '../db';
import { isUniqueViolation } from '../db';
import { newToken, sha256 } from '../auth/tokens';
import { Failure } from '../errors';
import { LOCAL_SERVER_ID } from './servers';

/** A remote server counts as online while its last heartbeat is this recent. */
export const ONLINE_WITHIN_MS = 2 * 60_000;

/**
 * Registers a remote server and returns its agent token — shown once: only its hash is
 * stored, so a leaked database cannot send heartbeats.
 */
export async function addServer(store: Store, input: { id: string; name: string; hourlyRate?: string }, now: number): Promise<{ serverId: string; token: string }> {
	const token = newToken('sba_');
	try {
		await store.db.insertInto('servers').values({
			id: input.id,
			name: input.name,
			is_local: 0,
			hourly_rate: input.hourlyRate ?? null,
			stripe_customer_id: null,
			agent_token_hash: sha256(token),
			created_at: now
		}).execute();
	} catch (error) {
		if (isUniqueViolation(error)) throw new Failure('SERVER_EXISTS', 'CONFLICT', `A server with id "${input.id}" already exists`);
		throw error;
	}
	return { serverId: input.id, token };
}

/** Replaces a server's agent token (the old one stops working at once). */
export async function rotateAgentToken(store: Store, serverId: string): Promise<string> {
	if (serverId === LOCAL_SERVER_ID) throw new Failure('FORBIDDEN', 'BAD_REQUEST', 'This machine is metered by the app itself and has no agent');
	const token = newToken('sba_');
	const result = await store.db.updateTable('servers').set({ agent_token_hash: sha256(token) }).where('id', '=', serverId).executeTakeFirst();
	if (Number(result.numUpdatedRows) === 0) throw new Failure('SERVER_NOT_FOUND', 'NOT_FOUND', `No server with id "${serverId}"`);
	return token;
}

/**
 * Every server with its latest run, for the fleet list: one pass over the runs index
 * (newest boot per server), whatever the fleet's size.
 */
export async function fleet(store: Store, now: number) {
	const rows = await store.db.selectFrom('servers')
		.leftJoin(
			(eb) => eb.selectFrom('runs').select(['server_id', (f) => f.fn.max('boot_time').as('boot_time')]).groupBy('server_id').as('latest'),
			(join) => join.onRef('latest.server_id', '=', 'servers.id')
		)
		.leftJoin('runs', (join) => join.onRef('runs.server_id', '=', 'latest.server_id').onRef('runs.boot_time', '=', 'latest.boot_time'))
		.select(['servers.id', 'servers.name', 'servers.is_local', 'servers.hourly_rate', 'runs.boot_time', 'runs.last_seen_at'])
		.orderBy('servers.is_local', 'desc').orderBy('servers.name').orderBy('servers.id')
		.execute();
	return rows.map((r) => {
		const isLocal = r.is_local === 1;
		const lastSeen = isLocal ? now : r.last_seen_at;
		return {
			id: r.id,
			name: r.name,
			isLocal,
			hourlyRate: r.hourly_rate,
			bootTime: r.boot_time === null ? null : new Date(r.boot_time).toISOString(),
			lastSeenAt: lastSeen === null ? null : new Date(lastSeen).toISOString(),
			online: isLocal || (lastSeen !== null && now - lastSeen <= ONLINE_WITHIN_MS),
			uptimeSeconds: r.boot_time === null || lastSeen === null ? 0 : Math.max(0, Math.floor((lastSeen - r.boot_time) / 1000))
		};
	});
}
