"""The web pages, one module per area; each route calls one use case and renders a template."""
