"""Federation over ActivityPub: keys, HTTP signatures, AS2 rendering and parsing, resolving remote
accounts, the inbox's processing and delivery (decision 0035). A domain package: the surfaces call
its use cases; the domain packages below it enqueue its jobs by name and never import it."""
