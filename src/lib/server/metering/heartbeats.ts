import type { App } from '../app';
import { transaction } from '../db';
import { Failure } from '../errors';
import type { Run } from '../db/schema';
import { extendLatestRuns, recordSampleIn, SAME_BOOT_MS } from './runs';

export interface Heartbeat {
	serverId: string;
	bootTime: number;
	seenAt: number;
}

/** Servers whose claims were clamped, by reason: logged once per process, not once per beat. */
const clampedLogged = new Set<string>();

/**
 * An agent can be buggy, its clock wrong, its token stolen: claims outside the bounds are
 * clamped (runs.ts, chain.ts) and never billed, and the operator hears of it once.
 */
function noteClamps(app: App, beat: Heartbeat, run: Run, meteringStart: number | null): void {
	const reasons: [string, string][] = [];
	if (meteringStart !== null && beat.bootTime < meteringStart) {
		reasons.push([
			'before-metering-start',
			`claims a boot at ${new Date(beat.bootTime).toISOString()}, before its metering start ${new Date(meteringStart).toISOString()}: billed from the metering start`
		]);
	}
	if (run.billable_from > run.boot_time + SAME_BOOT_MS) {
		reasons.push([
			'overlap',
			`claims a boot at ${new Date(run.boot_time).toISOString()}, before its latest sighting: billed from ${new Date(run.billable_from).toISOString()}`
		]);
	}
	for (const [reason, message] of reasons) {
		const key = `${run.server_id}\u0000${reason}`;
		if (clampedLogged.has(key)) continue;
		clampedLogged.add(key);
		app.logger.warn({ serverId: run.server_id, reason }, `server ${run.server_id} ${message}`);
	}
}

/** How far ahead of this server's clock an agent's clock may be. */
const MAX_CLOCK_AHEAD_MS = 60_000;

/**
 * Records a batch of heartbeats in one transaction. Only the latest sighting of each boot
 * matters, so the batch collapses to one sample per (server, boot) before touching the
 * database; replayed or reordered beats change nothing.
 */
export async function ingestHeartbeats(app: App, beats: Heartbeat[]): Promise<{ accepted: number; samples: number }> {
	const now = app.clock();
	const latest = new Map<string, Heartbeat>();
	for (const beat of beats) {
		if (beat.seenAt > now + MAX_CLOCK_AHEAD_MS) {
			throw new Failure('CLOCK_SKEW', `seenAt ${new Date(beat.seenAt).toISOString()} is in the future: check the agent's clock`);
		}
		if (beat.bootTime > beat.seenAt) throw new Failure('INVALID_INPUT', 'bootTime must not be after seenAt');
		const key = `${beat.serverId}\u0000${Math.round(beat.bootTime / 1000)}`;
		const known = latest.get(key);
		if (!known || known.seenAt < beat.seenAt) latest.set(key, { ...beat, seenAt: Math.min(beat.seenAt, now) });
	}
	const serverIds = [...new Set([...latest.values()].map((b) => b.serverId))];
	const servers = await app.store.db
		.selectFrom('servers')
		.select(['id', 'metering_start', 'retired_at'])
		.where('id', 'in', serverIds)
		.execute();
	const meteringStart = new Map(servers.map((s) => [s.id, s.metering_start]));
	const missing = serverIds.find((id) => !meteringStart.has(id));
	if (missing !== undefined) throw new Failure('SERVER_NOT_FOUND', `No server with id "${missing}"`);
	// the whole batch is refused: nothing of it is recorded, and the agent hears why
	const retired = servers.find((s) => s.retired_at !== null);
	if (retired) throw new Failure('SERVER_RETIRED', `Server "${retired.id}" is retired and accepts no heartbeats`);
	// oldest sightings first: a backlog spanning a reboot arrives in the order it happened
	const ordered = [...latest.values()].sort((a, b) => a.seenAt - b.seenAt);
	const perServer = new Map<string, number>();
	for (const beat of ordered) perServer.set(beat.serverId, (perServer.get(beat.serverId) ?? 0) + 1);
	const runs = await transaction(app.store, async (tx) => {
		// a server's one beat, of the boot it is running: all at once; anything else one by one, in order
		const fast = await extendLatestRuns(
			tx,
			ordered.filter((beat) => perServer.get(beat.serverId) === 1),
			app.store.dialect === 'postgres'
		);
		const recorded = [];
		for (const beat of ordered) recorded.push(fast.get(beat) ?? (await recordSampleIn(tx, beat.serverId, beat.bootTime, beat.seenAt)));
		return recorded;
	});
	runs.forEach((run, i) => noteClamps(app, ordered[i], run, meteringStart.get(run.server_id) ?? null));
	return { accepted: beats.length, samples: latest.size };
}
