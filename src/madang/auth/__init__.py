"""OAuth 2: client applications, scopes, authorization codes, access tokens, login throttling."""
