"""Records: every revision kept, and verifiable exports of an account, a hashtag or a case."""
