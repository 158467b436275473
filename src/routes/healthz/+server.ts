import { sql } from 'kysely';
import type { RequestHandler } from './$types';
import { getApp } from '$lib/server/runtime';

/** Liveness for load balancers: 200 when the database answers, 503 otherwise. Open to all; says nothing private. */
export const GET: RequestHandler = async () => {
	try {
		await sql`select 1`.execute(getApp().store.db);
		return Response.json({ ok: true });
	} catch {
		return Response.json({ ok: false, error: 'database unavailable' }, { status: 503 });
	}
};
