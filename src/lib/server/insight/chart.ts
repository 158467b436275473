import { scaleBand, scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { formatDay, formatMinor, type Locale } from '../../format';
import { translator } from '../../i18n';

export interface ChartDay {
	start: string;
	seconds: number;
	/** estimated */
	amountMinor: number;
}

/** What the chart component draws, worked out on the server: d3 never ships to the browser. */
export interface DailyChart {
	width: number;
	height: number;
	plot: { left: number; right: number; top: number; bottom: number };
	bars: { x: number; y: number; width: number; height: number; day: string; seconds: number; amountMinor: number; label: string }[];
	costPath: string;
	hourTicks: { y: number; label: string }[];
	costTicks: { y: number; label: string }[];
	dayLabels: { x: number; label: string }[];
	title: string;
	summary: string;
}

const W = 640;
const H = 220;
const M = { top: 14, right: 64, bottom: 26, left: 36 };
const round = (n: number) => Math.round(n * 10) / 10;

/** Daily uptime hours as bars (0–24 h, more if a day had more) and estimated cost as a line on its own axis. */
export function dailyChart(
	days: readonly ChartDay[],
	money: { currency: string; exponent: number },
	locale: Locale,
	timeZone: string
): DailyChart {
	const t = translator(locale);
	const hoursOf = (d: ChartDay) => round(d.seconds / 3600);
	const format = (minor: number) => formatMinor(minor, money.currency, locale);
	const x = scaleBand<number>()
		.domain(days.map((_, i) => i))
		.range([M.left, W - M.right])
		.padding(0.25);
	const yHours = scaleLinear()
		.domain([0, Math.max(24, ...days.map(hoursOf))])
		.range([H - M.bottom, M.top]);
	const yCost = scaleLinear()
		.domain([0, Math.max(1, ...days.map((d) => d.amountMinor))])
		.range([H - M.bottom, M.top])
		.nice(3);
	const center = (i: number) => x(i)! + x.bandwidth() / 2;
	const totalSeconds = days.reduce((sum, d) => sum + d.seconds, 0);
	const totalMinor = days.reduce((sum, d) => sum + d.amountMinor, 0);
	return {
		width: W,
		height: H,
		plot: { left: M.left, right: W - M.right, top: M.top, bottom: H - M.bottom },
		bars: days.map((d, i) => ({
			x: round(x(i)!),
			y: round(yHours(hoursOf(d))),
			width: round(x.bandwidth()),
			height: round(H - M.bottom - yHours(hoursOf(d))),
			day: d.start,
			seconds: d.seconds,
			amountMinor: d.amountMinor,
			label: `${formatDay(d.start, locale, timeZone)}: ${hoursOf(d)} ${t('hours')}, ${format(d.amountMinor)}`
		})),
		costPath:
			line<ChartDay>()
				.x((_, i) => round(center(i)))
				.y((d) => round(yCost(d.amountMinor)))(days as ChartDay[]) ?? '',
		hourTicks: yHours
			.ticks(4)
			.filter(Number.isInteger)
			.map((h) => ({ y: round(yHours(h)), label: String(h) })),
		// whole minor units only: a tick never shows money the currency cannot hold
		costTicks: yCost
			.ticks(3)
			.filter(Number.isInteger)
			.map((minor) => ({ y: round(yCost(minor)), label: format(minor) })),
		// a label a week, counted back from today so the last bar is always named
		dayLabels: days.flatMap((d, i) =>
			(days.length - 1 - i) % 7 === 0 ? [{ x: round(center(i)), label: formatDay(d.start, locale, timeZone) }] : []
		),
		title: t('chartTitle'),
		summary: t('chartSummary', { days: days.length, hours: round(totalSeconds / 3600), amount: format(totalMinor) })
	};
}
