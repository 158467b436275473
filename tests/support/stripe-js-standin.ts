/**
 * A stand-in for Stripe.js (https://js.stripe.com/…/stripe.js) for browser tests:
 *
 *   await page.route('https://js.stripe.com/**', (route) =>
 *     route.fulfill({ contentType: 'application/javascript', body: stripeJsStandIn() }));
 *   await page.route('https://api.stripe.com/**', async (route) => {
 *     const url = new URL(route.request().url());
 *     await route.fulfill({ response: await route.fetch({ url: double.url + url.pathname + url.search }) });
 *   });
 *
 * It defines `window.Stripe(publishableKey)` with
 * - the card Element (`elements().create('card')`), a plain `<input data-testid="stripe-card-number">`,
 *   confirmed with `confirmCardPayment(clientSecret, { payment_method: { card } })`;
 * - the Payment Element (`elements({ clientSecret }).create('payment')`, or deferred with
 *   `elements({ mode: 'payment', amount, currency })`), a card form `<input data-testid="stripe-payment-card-number">`,
 *   with `elements.submit()` and `confirmPayment({ elements, clientSecret?, redirect: 'if_required', confirmParams })`;
 *   with the default `redirect: 'always'` a successful payment navigates to `confirmParams.return_url`
 *   (`?payment_intent=…&payment_intent_client_secret=…&redirect_status=succeeded`) like Stripe.js;
 * - `retrievePaymentIntent`;
 * all talking form-encoded to https://api.stripe.com with `key` + `client_secret` like Stripe.js. With
 * `locale: 'ja'` (on Stripe() or elements()) card errors come back in Japanese, as Stripe.js localizes them.
 * The returned source is dependency-free ES2017 (no template literals, no modules).
 */
const SOURCE = String.raw`(function () {
  'use strict';
  var API = 'https://api.stripe.com';

  function IntegrationError(message) {
    var err = new Error(message);
    err.name = 'IntegrationError';
    return err;
  }

  function hasOwn(obj, key) {
    return Object.prototype.hasOwnProperty.call(obj, key);
  }

  /** Stripe's nested form encoding: a[b][0]=c, brackets left readable. */
  function encodeForm(params) {
    var parts = [];
    function add(key, value) {
      if (value === undefined || value === null) return;
      if (typeof value === 'object') {
        for (var k in value) if (hasOwn(value, k)) add(key + '[' + k + ']', value[k]);
        return;
      }
      var encodedKey = encodeURIComponent(key).replace(/%5B/g, '[').replace(/%5D/g, ']');
      parts.push(encodedKey + '=' + encodeURIComponent(String(value)));
    }
    for (var key in params) if (hasOwn(params, key)) add(key, params[key]);
    return parts.join('&');
  }

  function luhnValid(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var d = Number(digits.charAt(digits.length - 1 - i));
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    return sum % 10 === 0;
  }

  function brandOf(digits) {
    if (/^4/.test(digits)) return 'visa';
    if (/^(5[1-5]|2[2-7])/.test(digits)) return 'mastercard';
    if (/^3[47]/.test(digits)) return 'amex';
    if (/^(6011|65)/.test(digits)) return 'discover';
    return 'unknown';
  }

  /** Japanese messages for what Stripe.js localizes (validation errors and card declines), by decline_code or code. */
  var JA = {
    invalid_number: 'カード番号が無効です。',
    incomplete_number: 'カード番号が不完全です。',
    incorrect_number: 'カード番号が正しくありません。',
    generic_decline: 'カードが拒否されました。',
    card_declined: 'カードが拒否されました。',
    insufficient_funds: 'カードの残高が不足しています。',
    lost_card: 'カードが拒否されました。',
    stolen_card: 'カードが拒否されました。',
    fraudulent: 'カードが拒否されました。',
    expired_card: 'カードの有効期限が切れています。',
    incorrect_cvc: 'カードのセキュリティコードが正しくありません。',
    processing_error: 'カードの処理中にエラーが発生しました。しばらくしてからもう一度お試しください。'
  };

  function localize(error, locale) {
    if (!error || !locale || String(locale).indexOf('ja') !== 0) return error;
    var message = JA[error.decline_code] || JA[error.code];
    if (!message) return error;
    var out = {};
    for (var k in error) if (hasOwn(error, k)) out[k] = error[k];
    out.message = message;
    return out;
  }

  /** Client-side validation like the real card Element. */
  function cardState(digits, locale) {
    var expected = brandOf(digits) === 'amex' ? 15 : 16;
    var state = { empty: digits.length === 0, complete: false, error: undefined, brand: brandOf(digits) };
    if (digits.length > 19 || (digits.length >= expected && !luhnValid(digits))) {
      state.error = localize({ type: 'validation_error', code: 'invalid_number', message: 'Your card number is invalid.' }, locale);
    } else {
      state.complete = digits.length >= expected;
    }
    return state;
  }

  function incomplete(locale) {
    return localize({ type: 'validation_error', code: 'incomplete_number', message: 'Your card number is incomplete.' }, locale);
  }

  /** The card Element ('card') and the Payment Element ('payment', card only here): one input for the number. */
  function CardElement(type, options, registry, locale) {
    this._type = type;
    this._options = options || {};
    this._registry = registry;
    this._locale = locale;
    this._handlers = {};
    this._wrapper = null;
    this._input = null;
  }

  CardElement.prototype._digits = function () {
    return this._input ? this._input.value.replace(/[\s-]/g, '') : '';
  };

  CardElement.prototype._state = function () {
    return cardState(this._digits(), this._locale);
  };

  CardElement.prototype._fire = function (event, payload) {
    var handlers = (this._handlers[event] || []).slice();
    for (var i = 0; i < handlers.length; i++) handlers[i](payload);
  };

  CardElement.prototype._fireChange = function () {
    var state = this._state();
    var wrapper = this._wrapper;
    if (wrapper) {
      wrapper.classList.toggle('StripeElement--empty', state.empty);
      wrapper.classList.toggle('StripeElement--complete', state.complete);
      wrapper.classList.toggle('StripeElement--invalid', !!state.error);
    }
    var payload = { elementType: this._type, empty: state.empty, complete: state.complete, error: state.error };
    if (this._type === 'payment') {
      payload.collapsed = false;
      payload.value = { type: 'card' };
    } else {
      payload.brand = state.brand;
      payload.value = { postalCode: '' };
    }
    this._fire('change', payload);
  };

  CardElement.prototype.mount = function (target) {
    var node = typeof target === 'string' ? document.querySelector(target) : target;
    if (!node || !node.appendChild) throw IntegrationError('The selector you specified (' + target + ') applies to no DOM elements that are currently on the page.');
    if (this._wrapper) this.unmount();
    var self = this;
    var wrapper = document.createElement('div');
    wrapper.className = 'StripeElement StripeElement--empty';
    var input = document.createElement('input');
    input.type = 'text';
    input.name = 'cardnumber';
    input.inputMode = 'numeric';
    var ja = this._locale && String(this._locale).indexOf('ja') === 0;
    input.setAttribute('data-testid', this._type === 'payment' ? 'stripe-payment-card-number' : 'stripe-card-number');
    input.setAttribute('placeholder', ja ? 'カード番号' : this._type === 'payment' ? '1234 1234 1234 1234' : 'Card number');
    input.setAttribute('autocomplete', 'off');
    input.setAttribute('aria-label', ja ? 'カード番号' : this._type === 'payment' ? 'Card number' : 'Credit or debit card number');
    if (this._type === 'payment') wrapper.setAttribute('data-testid', 'stripe-payment-element');
    input.disabled = !!this._options.disabled;
    input.addEventListener('input', function () { self._fireChange(); });
    input.addEventListener('focus', function () {
      wrapper.classList.add('StripeElement--focus');
      self._fire('focus', { elementType: self._type });
    });
    input.addEventListener('blur', function () {
      wrapper.classList.remove('StripeElement--focus');
      self._fire('blur', { elementType: self._type });
    });
    wrapper.appendChild(input);
    node.appendChild(wrapper);
    this._wrapper = wrapper;
    this._input = input;
    setTimeout(function () { self._fire('ready', { elementType: self._type }); }, 0);
  };

  CardElement.prototype.on = function (event, handler) {
    (this._handlers[event] = this._handlers[event] || []).push(handler);
    return this;
  };

  CardElement.prototype.once = function (event, handler) {
    var self = this;
    function wrapped(payload) {
      self.off(event, wrapped);
      handler(payload);
    }
    return this.on(event, wrapped);
  };

  CardElement.prototype.off = function (event, handler) {
    var list = this._handlers[event] || [];
    this._handlers[event] = handler ? list.filter(function (h) { return h !== handler; }) : [];
    return this;
  };

  CardElement.prototype.unmount = function () {
    if (this._wrapper && this._wrapper.parentNode) this._wrapper.parentNode.removeChild(this._wrapper);
    this._wrapper = null;
    this._input = null;
  };

  CardElement.prototype.destroy = function () {
    this.unmount();
    this._handlers = {};
    delete this._registry[this._type];
  };

  CardElement.prototype.focus = function () { if (this._input) this._input.focus(); };
  CardElement.prototype.blur = function () { if (this._input) this._input.blur(); };

  CardElement.prototype.clear = function () {
    if (!this._input) return;
    this._input.value = '';
    this._fireChange();
  };

  CardElement.prototype.update = function (options) {
    for (var k in options || {}) if (hasOwn(options, k)) this._options[k] = options[k];
    if (this._input) this._input.disabled = !!this._options.disabled;
  };

  function Elements(options, stripeLocale) {
    this._options = options || {};
    this._registry = {};
    this._stripeLocale = stripeLocale;
    var secret = this._options.clientSecret;
    if (secret !== undefined && (typeof secret !== 'string' || !/^(pi|seti)_[^_]+_secret_/.test(secret))) {
      throw IntegrationError('Invalid value for elements(): clientSecret should be a client secret of the form pi_…_secret_…. You specified: ' + secret + '.');
    }
  }

  Elements.prototype._locale = function () {
    return this._options.locale || this._stripeLocale;
  };

  Elements.prototype.create = function (type, options) {
    if (type !== 'card' && type !== 'payment') {
      throw IntegrationError('The Stripe.js stand-in supports the "card" and "payment" Elements, not "' + type + '".');
    }
    if (type === 'payment' && !this._options.clientSecret && !this._options.mode) {
      throw IntegrationError('In order to create a payment element, you must pass a clientSecret or mode when creating the Elements group.');
    }
    if (this._registry[type]) throw IntegrationError('Can only create one Element of type ' + type + '.');
    var element = new CardElement(type, options, this._registry, this._locale());
    this._registry[type] = element;
    return element;
  };

  /** Validates the Payment Element's fields (Stripe.js wants this before confirming a deferred intent). */
  Elements.prototype.submit = function () {
    var element = this._registry.payment;
    if (!element) return Promise.resolve({ error: IntegrationError('elements.submit() needs a mounted Payment Element.') });
    var state = element._state();
    if (state.error) return Promise.resolve({ error: state.error });
    if (!state.complete) return Promise.resolve({ error: incomplete(element._locale) });
    this._submitted = true;
    return Promise.resolve({});
  };

  Elements.prototype.fetchUpdates = function () {
    return Promise.resolve({});
  };

  Elements.prototype.getElement = function (type) {
    return this._registry[type] || null;
  };

  Elements.prototype.update = function (options) {
    for (var k in options || {}) if (hasOwn(options, k)) this._options[k] = options[k];
  };

  function intentIdFrom(clientSecret, method) {
    var match = typeof clientSecret === 'string' ? /^(pi_[^_]+)_secret_/.exec(clientSecret) : null;
    if (!match) {
      throw IntegrationError('Invalid value for ' + method + ' intent secret: value should be a client_secret string. You specified: ' + clientSecret + '.');
    }
    return match[1];
  }

  function callApi(method, path, params, locale) {
    var body = encodeForm(params);
    var init = { method: method, headers: {} };
    if (method === 'GET') {
      path += '?' + body;
    } else {
      init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
      init.body = body;
    }
    return fetch(API + path, init).then(
      function (res) {
        return res.json().then(function (json) {
          if (res.status < 400) return { paymentIntent: json };
          return { error: localize((json && json.error) || { type: 'api_error', message: 'Unexpected response from Stripe (' + res.status + ').' }, locale) };
        }, function () {
          return { error: { type: 'api_error', message: 'Invalid JSON received from Stripe (' + res.status + ').' } };
        });
      },
      function (err) {
        return { error: { type: 'api_connection_error', message: 'An error occurred with our connection to Stripe: ' + (err && err.message) } };
      }
    );
  }

  function paymentMethodParams(paymentMethod) {
    if (typeof paymentMethod === 'string') return { payment_method: paymentMethod };
    if (!paymentMethod || !paymentMethod.card) return {};
    var element = paymentMethod.card;
    if (!(element instanceof CardElement) || element._type !== 'card') throw IntegrationError('payment_method.card must be a card Element.');
    var state = element._state();
    if (state.error) return { error: state.error };
    if (!state.complete) return { error: incomplete(element._locale) };
    var data = { type: 'card', card: { number: element._digits() } };
    if (paymentMethod.billing_details) data.billing_details = paymentMethod.billing_details;
    return { payment_method_data: data };
  }

  function Stripe(publishableKey, options) {
    if (!(this instanceof Stripe)) return new Stripe(publishableKey, options);
    if (typeof publishableKey !== 'string' || publishableKey.indexOf('pk_') !== 0) {
      throw IntegrationError('Invalid value for Stripe(): apiKey should be a publishable key string. You specified: ' + publishableKey + '.');
    }
    this._key = publishableKey;
    this._options = options || {};
  }

  Stripe.version = 'endive';
  Stripe.isStandIn = true;

  Stripe.prototype._registerWrapper = function () {};
  Stripe.prototype.registerAppInfo = function () {};

  Stripe.prototype.elements = function (options) {
    return new Elements(options, this._options.locale);
  };

  Stripe.prototype.confirmCardPayment = function (clientSecret, data) {
    var id = intentIdFrom(clientSecret, 'confirmCardPayment');
    data = data || {};
    var pm = paymentMethodParams(data.payment_method);
    if (pm.error) return Promise.resolve({ error: pm.error });
    var params = { key: this._key, client_secret: clientSecret };
    for (var k in pm) if (hasOwn(pm, k)) params[k] = pm[k];
    if (data.return_url) params.return_url = data.return_url;
    if (data.receipt_email) params.receipt_email = data.receipt_email;
    if (data.setup_future_usage) params.setup_future_usage = data.setup_future_usage;
    return callApi('POST', '/v1/payment_intents/' + id + '/confirm', params, this._options.locale);
  };

  /** The Payment Element's confirmation: the card typed into it, the intent from elements({ clientSecret }) or options.clientSecret. */
  Stripe.prototype.confirmPayment = function (options) {
    options = options || {};
    var elements = options.elements;
    if (!(elements instanceof Elements)) throw IntegrationError('Invalid value for confirmPayment(): elements should be an Elements group.');
    var element = elements._registry.payment;
    if (!element || !element._input) throw IntegrationError('confirmPayment(): the Payment Element must be mounted before confirming.');
    var clientSecret = options.clientSecret || elements._options.clientSecret;
    var id = intentIdFrom(clientSecret, 'confirmPayment');
    if (!elements._options.clientSecret && !elements._submitted) {
      throw IntegrationError('elements.submit() must be called before stripe.confirmPayment() when the Elements group was created without a clientSecret.');
    }
    var redirect = options.redirect || 'always';
    var confirmParams = options.confirmParams || {};
    if (redirect === 'always' && !confirmParams.return_url) {
      throw IntegrationError('stripe.confirmPayment(): the confirmParams.return_url argument is required unless passing redirect: "if_required".');
    }
    var locale = element._locale;
    var state = element._state();
    if (state.error) return Promise.resolve({ error: state.error });
    if (!state.complete) return Promise.resolve({ error: incomplete(locale) });
    var data = { type: 'card', card: { number: element._digits() } };
    var pmData = confirmParams.payment_method_data || {};
    if (pmData.billing_details) data.billing_details = pmData.billing_details;
    var params = { key: this._key, client_secret: clientSecret, payment_method_data: data };
    if (confirmParams.return_url) params.return_url = confirmParams.return_url;
    if (confirmParams.receipt_email) params.receipt_email = confirmParams.receipt_email;
    if (confirmParams.shipping) params.shipping = confirmParams.shipping;
    return callApi('POST', '/v1/payment_intents/' + id + '/confirm', params, locale).then(function (result) {
      if (result.error || redirect === 'if_required') return result;
      // cards never need a redirect, but with redirect: 'always' Stripe.js still goes to return_url
      var url = new URL(confirmParams.return_url, window.location.href);
      url.searchParams.set('payment_intent', result.paymentIntent.id);
      url.searchParams.set('payment_intent_client_secret', clientSecret);
      url.searchParams.set('redirect_status', result.paymentIntent.status === 'succeeded' ? 'succeeded' : 'failed');
      window.location.assign(url.toString());
      return new Promise(function () {});
    });
  };

  Stripe.prototype.retrievePaymentIntent = function (clientSecret) {
    var id = intentIdFrom(clientSecret, 'retrievePaymentIntent');
    return callApi('GET', '/v1/payment_intents/' + id, { key: this._key, client_secret: clientSecret }, this._options.locale);
  };

  window.Stripe = Stripe;
})();
`;

/** JavaScript source to serve in place of https://js.stripe.com/** in browser tests. */
export function stripeJsStandIn(): string {
	return SOURCE;
}
