import type { RequestHandler } from './$types';
import { databaseFailure } from '$lib/server/trpc/errors';
import { receiveWebhook } from '$lib/server/payments/webhooks';
import { getApp } from '$lib/server/runtime';

/** Stripe's webhooks (`stripe listen --forward-to localhost:8000/webhooks/stripe`): the raw body is what gets verified. */
export const POST: RequestHandler = async ({ request }) => {
	const rawBody = await request.text();
	try {
		const reply = await receiveWebhook(getApp(), rawBody, request.headers.get('stripe-signature'));
		return Response.json(reply.body, { status: reply.status });
	} catch (error) {
		// a locked or full database: 503, and Stripe delivers the event again later
		const failure = databaseFailure(error);
		if (failure) return Response.json({ error: failure.message }, { status: 503 });
		throw error;
	}
};
