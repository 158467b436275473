import type { Context } from '../trpc/context';
import { expectedFailures } from '../trpc/page-errors';
import { monthOf } from '../billing/months';
import { parseRate } from '../billing/money';
import { lastDays } from '../metering/buckets';
import { countServers, ONLINE_WITHIN_MS } from '../metering/fleet';
import { dailyChart } from '../insight/chart';
import { projectMonth } from '../insight/projection';
import { LOCAL_SERVER_ID } from '../metering/servers';
import { createCaller } from '../trpc/router';
import { operatorTables } from './operator-tables';

/** Up to this many servers show as a row of chips; more get the searchable, paged table. */
export const FEW_SERVERS = 6;
const CHART_DAYS = 30;
const iso = (ms: number) => new Date(ms).toISOString();

/** The operator's dashboard of one server; the first HTML already shows the numbers and the chart. */
export async function dashboardPage(ctx: Context, url: URL) {
	const { app } = ctx;
	const caller = createCaller(ctx);
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
			caller.servers({ limit: FEW_SERVERS + 1 }),
			caller.usage({ serverId, from: iso(days.start), to: iso(now), bucket: 'day' }),
			caller.usage({ serverId, from: iso(month.start), to: iso(now), bucket: 'month' })
		])
	);
	const serverCount = servers.length <= FEW_SERVERS ? servers.length : await countServers(app.store);
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
		view: 'dashboard' as const,
		locale: ctx.locale,
		timeZone,
		renderedAt: iso(now),
		status,
		charges: charges.items,
		nextCursor: charges.nextCursor,
		// a few servers show as chips; a fleet gets the table (operatorTables)
		servers: serverCount > 1 && serverCount <= FEW_SERVERS ? servers : [],
		serverCount,
		...(await expectedFailures(operatorTables(caller, url, serverCount > FEW_SERVERS))),
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
		chart: dailyChart(daily.buckets, { currency: currency.code, exponent: currency.exponent }, ctx.locale, timeZone),
		chartRange: { from: iso(days.start), to: iso(now) },
		refreshSeconds: 30,
		signOut: Boolean(app.config.adminToken)
	};
}

export type DashboardData = Awaited<ReturnType<typeof dashboardPage>>;
