import type { ExpressionBuilder, QueryCreator } from 'kysely';
import type { Store } from '../db';
import type { DB } from '../db/schema';
import { isUniqueViolation } from '../db';
import { newToken, sha256 } from '../auth/tokens';
import { Failure } from '../errors';
import { getServer, LOCAL_SERVER_ID } from './servers';
import { getCustomerRow } from '../customers/customers';
import { OPEN_STATUSES, openCharge } from '../billing/ledger';

/** A remote server counts as online while its last heartbeat is this recent. */
export const ONLINE_WITHIN_MS = 2 * 60_000;

/**
 * Registers a remote server and returns its agent token — shown once: only its hash is
 * stored, so a leaked database cannot send heartbeats.
 */
export async function addServer(
	store: Store,
	input: { id: string; name: string; hourlyRate?: string; meteringStart?: number; customerId?: string },
	now: number
): Promise<{ serverId: string; token: string }> {
	if (input.customerId !== undefined) await getCustomerRow(store, input.customerId);
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
				created_at: now,
				...(input.customerId !== undefined && { customer_id: input.customerId })
			})
			.execute();
	} catch (error) {
		if (isUniqueViolation(error)) throw new Failure('SERVER_EXISTS', `A server with id "${input.id}" already exists`);
		throw error;
	}
	return { serverId: input.id, token };
}

export interface ServerChanges {
	serverId: string;
	name?: string;
	hourlyRate?: string;
	meteringStart?: number;
	/** the customer who pays for it from now on */
	customerId?: string;
	/** a retired server accepts no heartbeats (and keeps its history); false brings it back */
	retired?: boolean;
}

/**
 * Renames a server, changes its rate (for time not billed yet), its metering start, its customer
 * or whether it is retired. A server moves to another customer only while no open charge bills
 * it: that charge was priced for the old customer (CHARGE_PENDING; the check is in the UPDATE itself).
 */
export async function updateServer(store: Store, input: ServerChanges, now: number): Promise<void> {
	const server = await getServer(store, input.serverId);
	if (input.retired === true && server.id === LOCAL_SERVER_ID) {
		throw new Failure('INVALID_INPUT', 'This machine is metered by the app itself and cannot be retired');
	}
	const moving = input.customerId !== undefined && input.customerId !== server.customer_id;
	if (moving) await getCustomerRow(store, input.customerId!);
	const patch = {
		...(input.name !== undefined && { name: input.name }),
		...(input.hourlyRate !== undefined && { hourly_rate: input.hourlyRate }),
		...(input.meteringStart !== undefined && { metering_start: input.meteringStart }),
		...(moving && { customer_id: input.customerId }),
		// retiring again keeps the first retirement's time
		...(input.retired !== undefined && (input.retired ? server.retired_at === null && { retired_at: now } : { retired_at: null }))
	};
	if (Object.keys(patch).length === 0) return;
	let query = store.db.updateTable('servers').set(patch).where('id', '=', input.serverId);
	if (moving) query = query.where(({ not, exists, selectFrom }) => not(exists(openChargeOf(selectFrom, input.serverId))));
	const result = await query.executeTakeFirst();
	if (Number(result.numUpdatedRows) === 1) return;
	if (moving && (await openCharge(store, input.serverId))) {
		throw new Failure('CHARGE_PENDING', `Server "${input.serverId}" has an open charge: settle or cancel it before moving the server`);
	}
	throw new Failure('SERVER_NOT_FOUND', `No server with id "${input.serverId}"`);
}

/** An open charge that bills the server (ledger.ts openCharge, as a subquery). */
const openChargeOf = (selectFrom: ExpressionBuilder<DB, 'servers'>['selectFrom'], serverId: string) =>
	selectFrom('charges')
		.select('charges.id')
		.where('charges.status', 'in', OPEN_STATUSES)
		.where('charges.id', 'in', (eb) => eb.selectFrom('charge_servers').select('charge_id').where('server_id', '=', serverId));

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
