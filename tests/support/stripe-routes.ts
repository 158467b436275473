import type { Page } from 'playwright-core';
import type { StripeDouble } from './stripe-double';
import { stripeJsStandIn } from './stripe-js-standin';

/**
 * The closed network's answer to Stripe in the browser: js.stripe.com serves the stand-in
 * (or fails, like an ad blocker or an outage would), api.stripe.com reaches the test double, and so
 * do the hosted invoice page and PDF links (invoice.stripe.com, pay.stripe.com), which the double serves.
 */
export async function routeStripe(page: Page, double: StripeDouble | undefined, stripeJs: 'standin' | 'unreachable' = 'standin') {
	await page.route('https://js.stripe.com/**', (route) =>
		stripeJs === 'standin'
			? route.fulfill({ contentType: 'application/javascript', body: stripeJsStandIn() })
			: route.abort('internetdisconnected')
	);
	for (const host of ['api.stripe.com', 'invoice.stripe.com', 'pay.stripe.com']) {
		await page.route(`https://${host}/**`, async (route) => {
			if (!double) return route.abort('internetdisconnected');
			const url = new URL(route.request().url());
			await route.fulfill({ response: await route.fetch({ url: double.url + url.pathname + url.search }) });
		});
	}
}
