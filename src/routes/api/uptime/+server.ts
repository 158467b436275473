import type { RequestHandler } from './$types';
import { jsonEndpoint } from '$lib/server/http/json';
import { createCaller } from '$lib/server/trpc/router';

/** The prototype's GET /api/uptime. */
export const GET: RequestHandler = ({ locals }) =>
	jsonEndpoint(locals.ctx, async () => {
		const u = await createCaller(locals.ctx).uptime();
		return {
			uptime_seconds: u.uptimeSeconds,
			hours: u.hours,
			minutes: u.minutes,
			seconds: u.seconds,
			formatted: u.formatted,
			boot_time: u.bootTime
		};
	});
