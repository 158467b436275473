import type { PageServerLoad } from './$types';
import { expectedFailures } from '$lib/server/trpc/page-errors';
import { monthOf } from '$lib/server/billing/months';
import { parseRate } from '$lib/server/billing/money';
import { lastDays } from '$lib/server/metering/buckets';
import { countServers, ONLINE_WITHIN_MS } from '$lib/server/metering/fleet';
import { dailyChart } from '$lib/server/insight/chart';
import { projectMonth } from '$lib/server/insight/projection';
import { LOCAL_SERVER_ID } from '$lib/server/metering/servers';
import { createCaller } from '$lib/server/trpc/router';

const SHORT_LIST = 24;
const CHART_DAYS = 30;
const iso = (ms: number) => new Date(ms).toISOString();

/** The first HTML already shows the numbers and the chart; the page then refreshes the numbers itself. */
export const load: PageServerLoad = async ({ locals, url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const { app } = locals.ctx;
	const caller = createCaller(locals.ctx);
	const serverId = url.searchParams.get('server') ?? LOCAL_SERVER_ID;
	const now = app.clock();
	const { timeZone, currency } = app.config;
	const month = monthOf(now, timeZone);
	const days = lastDays(now, CHART_DAYS, timeZone);
	// an unknown server or a missing sign-in is the styled error page (404, 401), not a 500
	const [status, charges, servers, daily, monthToDate] = await expectedFailures(
		Promise.all([
			caller.billingStatus({ serverId }),
			caller.charges({ serverId, limit: 20 }),
			caller.servers({ limit: SHORT_LIST }),
			caller.usage({ serverId, from: iso(days.start), to: iso(now), bucket: 'day' }),
			caller.usage({ serverId, from: iso(month.start), to: iso(now), bucket: 'month' })
		])
	);
	const serverCount = servers.length < SHORT_LIST ? servers.length : await countServers(app.store);
	const online =
		status.serverId === LOCAL_SERVER_ID || (status.lastSeenAt !== null && now - Date.parse(status.lastSeenAt) < ONLINE_WITHIN_MS);
	const projection = projectMonth({
		monthToDateMinor: monthToDate.totalMinor,
		now,
		monthEnd: month.end,
		online,
		rateMicros: parseRate(status.hourlyRate)!,
		currency,
		capMinor: app.config.monthlyCapMinor
	});
	return {
		locale: locals.ctx.locale,
		timeZone,
		renderedAt: iso(now),
		status,
		charges: charges.items,
		nextCursor: charges.nextCursor,
		// a big fleet shows its first servers here and a count
		servers: serverCount > 1 ? servers : [],
		serverCount,
		onlineWithinMs: ONLINE_WITHIN_MS,
		money: { currency: currency.code, exponent: currency.exponent },
		month: {
			start: iso(month.start),
			end: iso(month.end),
			seconds: monthToDate.totalSeconds,
			amountMinor: monthToDate.totalMinor,
			projectedMinor: projection.projectedMinor,
			capMinor: app.config.monthlyCapMinor === undefined ? null : Number(app.config.monthlyCapMinor)
		},
		chart: dailyChart(daily.buckets, { currency: currency.code, exponent: currency.exponent }, locals.ctx.locale, timeZone),
		chartRange: { from: iso(days.start), to: iso(now) },
		refreshSeconds: 30,
		signOut: Boolean(app.config.adminToken)
	};
};
