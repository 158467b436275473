import type { App } from '../app';
import { transaction } from '../db';
import { Failure } from '../errors';
import { recordSampleIn } from './runs';

export interface Heartbeat {
	serverId: string;
	bootTime: number;
	seenAt: number;
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
	const known = await app.store.db.selectFrom('servers').select('id').where('id', 'in', serverIds).execute();
	const missing = serverIds.filter((id) => !known.some((k) => k.id === id));
	if (missing.length) throw new Failure('SERVER_NOT_FOUND', `No server with id "${missing[0]}"`);
	await transaction(app.store, async (tx) => {
		for (const beat of latest.values()) await recordSampleIn(tx, beat.serverId, beat.bootTime, beat.seenAt);
	});
	return { accepted: beats.length, samples: latest.size };
}
