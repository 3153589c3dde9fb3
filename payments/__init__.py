"""Payments: providers behind one registry (counter, vouchers, balance, Stripe), weighed orders captured at the final
amount, Stripe's signed webhook (under the API: /api/v1/payments/), the customer's balance and jar deposits."""
