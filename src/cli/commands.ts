import type { BillingClient } from '../lib/client';
import { formatRate, type Locale } from '../lib/format';
import type { Translate } from './messages';
import { duration, labelled, money, period, table, time, type View } from './output';

/** What every command gets: the typed client, how to show things, and whether to print JSON. */
export interface Session {
	client: BillingClient;
	url: string;
	token: string | undefined;
	json: boolean;
	view: View & { locale: Locale };
	t: Translate;
	print(text: string): void;
}

const showJson = (session: Session, value: unknown) => session.print(JSON.stringify(value, null, 2));

/** What the prototype's `python server_billing.py` printed (uptime, rate, amount), for any server. */
export async function status(session: Session, serverId: string | undefined) {
	const { client, t, view } = session;
	const s = await client.billingStatus.query({ ...(serverId ? { serverId } : {}), locale: view.locale });
	if (session.json) return showJson(session, s);
	const notes = [s.minimumApplied ? t('minimumApplied', { seconds: s.minimumBillableSeconds }) : '', s.capApplied ? t('capApplied') : '']
		.filter(Boolean)
		.join(', ');
	const rows: [string, string][] = [
		[t('server'), `${s.serverName} (${s.serverId})`],
		[t('booted'), time(s.bootTime, view)],
		[t('uptime'), duration(s.uptimeSeconds, view)],
		[t('hourlyRate'), `${formatRate(s.hourlyRate, s.currency, view.locale)}${t('perHour')}`],
		[t('billableSince'), time(s.periodStart, view)],
		[t('billableTime'), duration(s.billableSeconds, view)],
		[t('amountDue'), `${s.amountFormatted}${notes ? ` (${notes})` : ''}`]
	];
	for (const [label, charge] of [
		['pendingCharge', s.pendingCharge],
		['lastCharge', s.lastCharge]
	] as const) {
		if (charge)
			rows.push([
				t(label),
				`#${charge.id} ${charge.amountFormatted}, ${t(`status.${charge.status}`)} (${period(charge.periodStart, charge.periodEnd, view)})`
			]);
	}
	session.print(labelled(rows) + (s.stripe.enabled ? '' : `\n${t('stripeOff')}`));
}

/** Bills the unbilled usage as a Payment Intent; its client secret belongs to the paying browser, so it is never printed. */
export async function charge(session: Session, serverId: string | undefined) {
	const { clientSecret: _secret, ...intent } = await session.client.createPaymentIntent.mutate(serverId ? { serverId } : undefined);
	if (session.json) return showJson(session, intent);
	const { t, view } = session;
	session.print(
		`${t('chargeCreated', {
			id: intent.chargeId,
			stripeId: intent.paymentIntentId,
			amount: money(intent.amountMinor, intent.currency, view),
			period: period(intent.periodStart, intent.periodEnd, view),
			status: t(`status.${intent.status}`)
		})}\n${t('payOnDashboard')}`
	);
}

export async function invoice(session: Session, serverId: string | undefined) {
	const created = await session.client.createInvoice.mutate(serverId ? { serverId } : undefined);
	if (session.json) return showJson(session, created);
	const { t, view } = session;
	const line = t('invoiceCreated', {
		id: created.chargeId,
		stripeId: created.invoiceId,
		amount: money(created.amountMinor, created.currency, view),
		period: period(created.periodStart, created.periodEnd, view),
		status: t(`status.${created.status}`)
	});
	session.print(created.hostedInvoiceUrl ? `${line}\n${created.hostedInvoiceUrl}` : line);
}

export async function servers(session: Session) {
	// one batched request: the status brings the currency the rates are in
	const [list, own] = await Promise.all([session.client.servers.query(), session.client.billingStatus.query()]);
	if (session.json) return showJson(session, list);
	const { t, view } = session;
	if (list.length === 0) return session.print(t('noServers'));
	const header = [t('colId'), t('colName'), t('colRate'), t('colState'), t('colLastSeen'), t('colUptime')];
	const rows = list.map((s) => [
		s.id,
		s.name,
		s.hourlyRate === null ? t('defaultRate') : `${formatRate(s.hourlyRate, own.currency, view.locale)}${t('perHour')}`,
		s.isLocal ? t('local') : s.online ? t('online') : t('offline'),
		time(s.lastSeenAt, view),
		s.bootTime === null ? '—' : duration(s.uptimeSeconds, view)
	]);
	session.print(table(header, rows));
}

export async function addServer(session: Session, input: { id: string; name: string; hourlyRate?: string }) {
	const added = await session.client.addServer.mutate(input);
	if (session.json) return showJson(session, added);
	const { t } = session;
	session.print(`${t('serverAdded', { id: added.serverId })}\n${added.token}\n${t('agentHint', { url: session.url, token: added.token })}`);
}
