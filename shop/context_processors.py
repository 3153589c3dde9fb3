from .cart import cart_count


def cart(request):
    """The number of lines in the cart, for the "Panier" link of every page (read from the session, no query)."""
    session = getattr(request, "session", None)
    return {"cart_count": cart_count(session) if session is not None else 0}
