import type { Locale } from '../lib/format';
import { translator, type MessageKey } from '../lib/i18n';

/** The CLI's own labels, in the dashboard's two languages; the dashboard's words (src/lib/i18n.ts) are reused as they are. */
const en = {
	booted: 'Booted',
	hourlyRate: 'Hourly rate',
	perHour: '/h',
	billableSince: 'Billable since',
	amountDue: 'Amount due',
	stripeOff: 'Stripe is not configured on the server: it meters, but cannot charge.',
	chargeCreated: 'Charge #{id}: Payment Intent {stripeId} for {amount} ({period}), {status}.',
	payOnDashboard: 'The customer pays it on the dashboard.',
	invoiceCreated: 'Charge #{id}: invoice {stripeId} for {amount} ({period}), {status}.',
	serverAdded: 'Server {id} added. Its agent token (shown once):',
	agentHint:
		'On that machine: curl -o server-billing-agent.mjs {url}/agent.mjs && node server-billing-agent.mjs --url {url} --token {token}',
	colId: 'ID',
	colName: 'Name',
	colRate: 'Rate',
	colState: 'State',
	colLastSeen: 'Last seen',
	colUptime: 'Uptime',
	local: 'this machine',
	defaultRate: 'default',
	noServers: 'No servers.',
	colStart: 'From',
	colSeconds: 'Time',
	colAmount: 'Amount (estimate)',
	total: 'Total'
};

export type CliMessage = keyof typeof en;

const ja: Record<CliMessage, string> = {
	booted: '起動時刻',
	hourlyRate: '時間単価',
	perHour: '/時',
	billableSince: '課金開始',
	amountDue: '未請求額',
	stripeOff: 'サーバーで Stripe が設定されていません。計測はできますが請求はできません。',
	chargeCreated: '請求 #{id}: Payment Intent {stripeId}、{amount}（{period}）、{status}。',
	payOnDashboard: 'お客様がダッシュボードで支払います。',
	invoiceCreated: '請求 #{id}: 請求書 {stripeId}、{amount}（{period}）、{status}。',
	serverAdded: 'サーバー {id} を追加しました。エージェントトークン（この一度だけ表示）:',
	agentHint: '対象マシンで: curl -o server-billing-agent.mjs {url}/agent.mjs && node server-billing-agent.mjs --url {url} --token {token}',
	colId: 'ID',
	colName: '名前',
	colRate: '単価',
	colState: '状態',
	colLastSeen: '最終確認',
	colUptime: '稼働時間',
	local: 'このマシン',
	defaultRate: '既定',
	noServers: 'サーバーはありません。',
	colStart: '開始',
	colSeconds: '時間',
	colAmount: '金額（概算）',
	total: '合計'
};

const tables: Record<Locale, Record<CliMessage, string>> = { en, ja };

export type Translate = (key: CliMessage | MessageKey, values?: Record<string, string | number>) => string;

export function cliTranslator(locale: Locale): Translate {
	const table = tables[locale];
	const shared = translator(locale);
	return (key, values = {}) =>
		key in table
			? table[key as CliMessage].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`))
			: shared(key as MessageKey, values);
}
