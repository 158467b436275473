import type { RequestHandler } from './$types';
import { getApp } from '$lib/server/runtime';

/** Liveness for load balancers: 200 when the database takes writes, 503 otherwise (db/health.ts). Open to all; says nothing private. */
export const GET: RequestHandler = async () => {
	const problem = await getApp().health.problem();
	return problem ? Response.json({ ok: false, error: problem }, { status: 503 }) : Response.json({ ok: true });
};
