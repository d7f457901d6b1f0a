"""One reading of each request: its query parameters, numbers, key and id.

Guards (before routing) and handlers (after it) both read a request; when they read it
differently, an attacker spells a request so that the guard sees one thing and the
handler runs another. Everything here is read once, stored on the ASGI scope, and
imports nothing but `app.errors`, so that every layer may use it.
"""
