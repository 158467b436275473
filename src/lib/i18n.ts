import type { Locale } from './format';

const en = {
	title: 'Server Billing',
	subtitle: 'Uptime metered and billed through Stripe',
	server: 'Server',
	uptime: 'Uptime',
	bootedAt: 'Booted',
	rate: 'Rate',
	perHour: '/h',
	unbilled: 'Unbilled usage',
	since: 'since',
	billableTime: 'Billable time',
	minimumApplied: 'Minimum of {seconds} s applied',
	capApplied: 'Monthly cap reached',
	belowMinimum: 'Stripe charges at least {amount}; usage carries over until then.',
	refresh: 'Refresh',
	refreshing: 'Refreshing…',
	updated: 'Updated',
	autoRefresh: 'Refreshes every {seconds} s',
	refreshFailed: 'Could not refresh: {message}',
	noUsage: 'No billable time yet',
	pendingCharge: 'Pending charge',
	lastCharge: 'Last charge',
	language: 'Language',
	'status.creating': 'Creating',
	'status.pending': 'Pending',
	'status.succeeded': 'Paid',
	'status.failed': 'Failed',
	'status.canceled': 'Canceled',
	stripeOff: 'Stripe is not configured. Metering works; to take payments set STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY in .env and restart.',
	testMode: 'Test mode',
	hours: 'h',
	servers: 'Servers',
	online: 'online',
	offline: 'offline'
};

export type MessageKey = keyof typeof en;

const ja: Record<MessageKey, string> = {
	title: 'サーバー課金',
	subtitle: '稼働時間を計測し Stripe で請求します',
	server: 'サーバー',
	uptime: '稼働時間',
	bootedAt: '起動',
	rate: '料金',
	perHour: '/時',
	unbilled: '未請求の利用分',
	since: '開始',
	billableTime: '課金対象時間',
	minimumApplied: '最低 {seconds} 秒を適用',
	capApplied: '月額上限に達しました',
	belowMinimum: 'Stripe の最低請求額は {amount} です。それまでは利用分が繰り越されます。',
	refresh: '更新',
	refreshing: '更新中…',
	updated: '更新',
	autoRefresh: '{seconds} 秒ごとに自動更新',
	refreshFailed: '更新できませんでした: {message}',
	noUsage: '課金対象の時間はまだありません',
	pendingCharge: '処理中の請求',
	lastCharge: '前回の請求',
	language: '言語',
	'status.creating': '作成中',
	'status.pending': '支払い待ち',
	'status.succeeded': '支払い済み',
	'status.failed': '失敗',
	'status.canceled': '取り消し',
	stripeOff: 'Stripe が設定されていません。計測は動作しています。支払いを受けるには .env に STRIPE_SECRET_KEY と STRIPE_PUBLISHABLE_KEY を設定して再起動してください。',
	testMode: 'テストモード',
	hours: '時間',
	servers: 'サーバー一覧',
	online: 'オンライン',
	offline: 'オフライン'
};

const messages: Record<Locale, Record<MessageKey, string>> = { en, ja };

/** A translator for one locale: t('minimumApplied', { seconds: 60 }). */
export function translator(locale: Locale) {
	const table = messages[locale];
	return (key: MessageKey, values: Record<string, string | number> = {}) =>
		table[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}
