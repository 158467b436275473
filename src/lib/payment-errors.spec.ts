import { describe, expect, it } from 'vitest';
import { translator } from './i18n';
import { paymentErrorMessage } from './payment-errors';

describe('paymentErrorMessage', () => {
	const en = translator('en');
	const ja = translator('ja');

	it('says the decline code in the page language, before the generic code', () => {
		const error = {
			type: 'card_error',
			code: 'card_declined',
			decline_code: 'insufficient_funds',
			message: 'Your card has insufficient funds.'
		};
		expect(paymentErrorMessage(error, en)).toBe('Your card has insufficient funds.');
		expect(paymentErrorMessage(error, ja)).toBe('カードの残高が不足しています。');
		expect(paymentErrorMessage({ code: 'card_declined', decline_code: 'generic_decline' }, ja)).toBe('カードが拒否されました。');
	});

	it("keeps Stripe's message for codes it does not know, and has a fallback", () => {
		expect(paymentErrorMessage({ code: 'something_new', message: 'Stripe says so.' }, en)).toBe('Stripe says so.');
		expect(paymentErrorMessage({}, ja)).toBe('お支払いを完了できませんでした。もう一度お試しください。');
	});
});
