import type { App } from '../app';
import type { TickReport } from './schedule';

/**
 * What a billing run has done so far, for its progress line: a paced run over thousands of
 * servers takes minutes, and the operator should see it move (and at what rate Stripe is called).
 */
export class RunProgress {
	readonly #startedAt = performance.now();
	readonly #sentBefore: number;
	readonly #rateLimitedBefore: number;

	constructor(
		private readonly app: App,
		private readonly report: TickReport,
		private readonly total: number
	) {
		this.#sentBefore = app.stripePacer.sent;
		this.#rateLimitedBefore = app.stripePacer.rateLimited;
	}

	fields() {
		const { tick, invoiced, skipped, failed } = this.report;
		const elapsedSeconds = (performance.now() - this.#startedAt) / 1000;
		const stripeCalls = this.app.stripePacer.sent - this.#sentBefore;
		return {
			tick,
			done: invoiced + skipped + failed,
			total: this.total,
			invoiced,
			skipped,
			failed,
			elapsedSeconds: Math.round(elapsedSeconds * 10) / 10,
			stripeCalls,
			callsPerSecond: elapsedSeconds > 0 ? Math.round((stripeCalls / elapsedSeconds) * 10) / 10 : 0,
			rateLimited: this.app.stripePacer.rateLimited - this.#rateLimitedBefore
		};
	}

	log() {
		this.app.logger.info(this.fields(), 'billing run progress');
	}
}
