"""`madang records`: export an account, a hashtag or a case to a verifiable ZIP."""
