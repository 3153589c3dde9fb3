"""The customer's account pages of the shop: namespace `account`, under /compte/."""
