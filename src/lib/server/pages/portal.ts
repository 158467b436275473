import { stripeExponent, stripeStep } from '../../currency-exponent';
import { formatMinor } from '../../format';
import { monthOf } from '../billing/months';
import { applyTax } from '../billing/tax';
import { lastDays } from '../metering/buckets';
import { dailyChart } from '../insight/chart';
import type { Context } from '../trpc/context';
import { expectedFailures } from '../trpc/page-errors';
import { createCaller } from '../trpc/router';

const CHART_DAYS = 30;
/** the per-server month-to-date column asks usage once per server: a portal lists a customer's few servers */
const MONTH_COLUMN_LIMIT = 100;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The customer portal: one customer's servers, what they cost this month and what is owed, with
 * one payment for all of it. A customer sees their own; the operator any (`?customer=<id>`).
 */
export async function portalPage(ctx: Context, customerId: string) {
	const { app, locale } = ctx;
	const caller = createCaller(ctx);
	const now = app.clock();
	const { timeZone } = app.config;
	const month = monthOf(now, timeZone);
	const days = lastDays(now, CHART_DAYS, timeZone);
	// another customer's id is a 404 (scope.ts), a missing sign-in a 401: the styled error page
	const [status, charges, daily] = await expectedFailures(
		Promise.all([
			caller.customerStatus({ customerId }),
			caller.charges({ customerId, limit: 20 }),
			caller.usage({ customerId, from: iso(days.start), to: iso(now), bucket: 'day' })
		])
	);
	// in the month's first second there is no month yet to ask about
	const monthStarted = now - month.start >= 1000;
	const monthly = await expectedFailures(
		Promise.all(
			status.servers
				.slice(0, monthStarted ? MONTH_COLUMN_LIMIT : 0)
				.map((s) => caller.usage({ serverId: s.serverId, from: iso(month.start), to: iso(now), bucket: 'month' }))
		)
	);
	const money = (minor: number | bigint) => formatMinor(minor, status.currency, locale);
	// what a payment started now would charge, split as the charge will be (tax rounded once, on the total)
	const taxed = applyTax(
		BigInt(status.unbilledMinor),
		{ rate: status.taxRate, inclusive: status.taxInclusive },
		BigInt(stripeStep(status.currency))
	);
	return {
		view: 'portal' as const,
		locale,
		timeZone,
		renderedAt: iso(now),
		viewer: ctx.auth.role === 'customer' ? ('customer' as const) : ('operator' as const),
		customer: status,
		servers: status.servers.map((s, i) => ({
			...s,
			monthToDateFormatted: monthly[i] ? money(monthly[i].totalMinor) : null
		})),
		totals: {
			monthToDate: money(status.monthToDateMinor),
			unbilled: money(status.unbilledMinor),
			net: money(taxed.netMinor),
			tax: money(taxed.taxMinor),
			gross: money(taxed.grossMinor),
			grossMinor: Number(taxed.grossMinor),
			taxed: taxed.taxMinor > 0n || Number(status.taxRate) > 0,
			owedNote:
				status.canPay || status.openCharge
					? null
					: status.unbilledMinor === 0
						? ('nothing' as const)
						: { amount: money(taxed.grossMinor), minimum: money(status.minimumMinor) }
		},
		charges: charges.items,
		nextCursor: charges.nextCursor,
		chart: dailyChart(daily.buckets, { currency: status.currency, exponent: stripeExponent(status.currency) ?? 2 }, locale, timeZone),
		chartRange: { from: iso(days.start), to: iso(now) },
		stripe: {
			enabled: Boolean(app.config.stripe.secretKey),
			testMode: app.config.stripe.testMode,
			publishableKey: app.config.stripe.publishableKey ?? null
		},
		refreshSeconds: 30,
		signOut: ctx.auth.role === 'customer' || Boolean(app.config.adminToken)
	};
}

export type PortalData = Awaited<ReturnType<typeof portalPage>>;
