"""Settings, read once from ``MADANG_*`` environment variables and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MADANG_", env_file=None, extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/madang.sqlite3"
    # A PostgreSQL streaming replica (a hot standby) for reads that may be a moment old: timelines,
    # profiles, search; a writer's own reads stay on the primary (docs/ops/shapes.md, decision 0065).
    database_replica_url: str | None = None
    # Beyond this lag (or when it does not answer) the replica is left alone and the primary reads.
    database_replica_max_lag_seconds: float = Field(10.0, gt=0, le=3600)
    # "pgbouncer": MADANG_DATABASE_URL (and the replica's) lead to pgbouncer in transaction pooling
    # mode; statements are then prepared unnamed (db.database.pg_engine_options).
    database_pooler: str = Field("", pattern="^(|pgbouncer)$")
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # The public host name (with port when not 80/443); defaults to host:port.
    domain: str | None = None
    # Scheme of public URLs; "https" behind a TLS proxy.
    scheme: str = "http"
    instance_title: str = "마당"
    instance_description: str = "안양시와 시민이 만나는 마당"
    contact_email: str = "admin@madang.example"
    max_characters: int = Field(140, ge=1, le=100_000)
    registrations_open: bool = True
    approval_required: bool = False
    public_timelines_open: bool = True
    time_zone: str = "Asia/Seoul"
    default_language: str = "ko"
    # Run the job worker inside `madang serve` (off when workers run as processes).
    embedded_worker: bool = True
    # Freeze what start-up loaded out of the garbage collector's reach (app.create_app); off in
    # test servers that share one long-lived process.
    gc_freeze: bool = True
    worker_poll_seconds: float = 1.0
    media_path: Path = Path("var/media")
    # An uploaded file's largest size, and its largest pixel count (width x height; a guard
    # against decompression bombs). 33,177,600 = 7680 x 4320, Mastodon's image_matrix_limit.
    media_max_bytes: int = Field(16 * 1024 * 1024, ge=1)
    media_max_pixels: int = Field(33_177_600, ge=1)
    # Where media files live (decision 0066, docs/ops/object-storage.md): "local" (media_path) or
    # "s3" (an S3-compatible bucket; needs the extra madang[s3]). Credentials only from the
    # environment: MADANG_S3_ACCESS_KEY_ID / MADANG_S3_SECRET_ACCESS_KEY (or boto3's AWS_* chain).
    media_store: str = Field("local", pattern="^(local|s3)$")
    s3_bucket: str = ""
    s3_endpoint_url: str = ""  # empty: AWS; e.g. https://s3.example.kr or http://127.0.0.1:9000
    s3_region: str = ""
    s3_prefix: str = ""  # key prefix inside the bucket, e.g. "madang"
    # Where clients fetch media (the bucket's or a CDN's public address, as Mastodon's
    # S3_ALIAS_HOST); empty: madang serves them itself under /media/, reading from the bucket.
    s3_public_url: str = ""
    s3_addressing_style: str = Field("auto", pattern="^(auto|path|virtual)$")
    s3_access_key_id: str = Field("", repr=False)
    s3_secret_access_key: str = Field("", repr=False)
    smtp_url: str | None = None
    # New sign-ups confirm their e-mail address before signing in; applies only with smtp_url.
    email_confirmation: bool = True
    # Streaming: seconds between SSE heartbeat comments (proxies drop silent connections).
    streaming_heartbeat_seconds: float = Field(15.0, gt=0)
    # Web Push: seconds a push service gets to answer one delivery (it runs inside the
    # delivery job's unit of work, so keep it short), and whether plain-http and loopback
    # endpoints are allowed (tests and local development only: it lets users make the
    # server POST to services on its own host).
    push_timeout_seconds: float = Field(5.0, gt=0, le=30)
    push_allow_loopback: bool = False
    rate_limit_per_5min: int = 300
    # Sign-up attempts from one address in five minutes (web and API together), as Mastodon
    # throttles them: where a sign-up signs in at once a taken e-mail address cannot be hidden,
    # so this bounds how fast one address can probe (issue 13).
    sign_ups_per_5min: int = 25
    # `madang serve` writes one Combined Log Format line per request to standard output
    # (madang.access_log; query secrets filtered).
    access_log: bool = True
    # Logs (docs/ops/logging.md): "text" (the access log in Combined Log Format, application lines
    # as text) or "json" (one JSON object a line, both); the level of madang's own loggers
    # (libraries log warnings and errors only, whatever this says).
    log_format: str = Field("text", pattern="(?i)^(text|json)$")
    log_level: str = Field("info", pattern="(?i)^(debug|info|warning|error)$")
    # Without MADANG_SMTP_URL, messages that would have been sent (with their reset and confirmation
    # links) are written as .eml files here for the operator, never to the log.
    mail_drop_path: Path = Path("var/mail")
    login_attempts_per_5min: int = 10
    # Signs guest case links and seals Web Push tokens. Empty: read from secret_key_file, made
    # there (random, mode 0600) on first start. Default file: beside the SQLite database, or
    # var/secret_key under the working directory (docs/decisions/0029).
    secret_key: str = Field("", repr=False)
    secret_key_file: Path | None = None
    # The city blog (madang.blog): minutes between runs of the feed-polling job.
    blog_poll_minutes: int = Field(5, ge=1, le=1440)
    # Server-side fetches (blog feeds, Web Push, later federation) reach only globally routable
    # addresses; this comma-separated list of host names and networks (CIDR) is let through as
    # well: tests and local development only, e.g. "127.0.0.1/32,::1".
    outbound_allow: str = ""
    # Profile-field links checked for a rel="me" link back (a job fetching each linked page, as
    # Mastodon does). Off in tests, whose accounts name real sites: nothing leaves the machine.
    profile_link_checks: bool = True
    # Federation over ActivityPub (decision 0035). Off: no actor documents, inboxes or deliveries.
    federation: bool = True
    # Host names, addresses or networks (CIDR) that federation may reach although they are not
    # public (the lab and tests only, e.g. "127.0.0.0/8"); remote servers are reached over https.
    federation_allowed_hosts: str = ""
    # Secure mode, as Mastodon's AUTHORIZED_FETCH: every ActivityPub GET must be signed.
    authorized_fetch: bool = False
    # "blocklist": federate with every server but those suspended by a domain block.
    # "allowlist": only with the servers an admin allowed (/admin/domain-allows; decision 0040),
    # as Mastodon's LIMITED_FEDERATION_MODE and GoToSocial's instance-federation-mode; it turns
    # secure mode on, so servers not allowed cannot read public posts either.
    federation_mode: str = Field("blocklist", pattern="^(blocklist|allowlist)$")
    # Activities one remote server may deliver to the inboxes in five minutes (per process):
    # beyond it a 429 with Retry-After, which senders honour by retrying later.
    federation_inbox_per_5min: int = Field(10_000, ge=1)
    # Remote media: "cache" (fetched by a job and served from here) or "link" (the origin's URL).
    remote_media: str = Field("cache", pattern="^(cache|link)$")
    # `madang serve` serves TLS itself when both name a PEM file (the lab; a city may use a proxy).
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # Account health (madang.analytics.health): days without a post before an organisation's or
    # verified account is flagged, and words its profile should no longer carry (comma-separated).
    health_silent_days: int = Field(14, ge=1, le=3650)
    health_profile_words: str = "후보,예비후보,당선인"
    # Prometheus metrics at /metrics (docs/ops/monitoring.md, decision 0055): empty, off (the route
    # does not exist and nothing is counted); "token:SECRET" (16+ characters), served to scrapers
    # that send "Authorization: Bearer SECRET".
    metrics: str = Field("", repr=False, pattern=r"^(|token:\S{16,})$")
    # Several web processes (`madang serve --workers N`) add up their counts in files here
    # (prometheus-client's multiprocess mode); empty: a fresh folder per `madang serve` in /tmp.
    # If set, it must be emptied at each start (systemd RuntimeDirectory=): old files would count.
    metrics_dir: Path | None = None
    # /ready answers 503 when the oldest due job has waited longer than this (a stopped or
    # overwhelmed worker); a job running past its lease (300 s) counts as stuck too.
    ready_job_delay_seconds: float = Field(300.0, gt=0)
    # Fan-out at a capital's scale (decision 0068, docs/ops/fanout.md): an account with more
    # followers than this has its posts merged into its followers' home timelines when they are
    # read, instead of written to each follower's feed; 0 writes every post out.
    fanout_read_time_threshold: int = Field(100_000, ge=0)

    @model_validator(mode="after")
    def _allowlist_is_secure(self) -> Settings:
        if self.federation_mode == "allowlist":
            self.authorized_fetch = True  # Mastodon: limited federation mode implies authorized fetch
        return self

    @model_validator(mode="after")
    def _s3_has_a_bucket(self) -> Settings:
        if self.media_store == "s3" and not self.s3_bucket:
            raise ValueError("MADANG_MEDIA_STORE=s3 needs MADANG_S3_BUCKET")
        return self

    @model_validator(mode="after")
    def _resolve_secret_key(self) -> Settings:
        from madang.core.secret_keys import check_secret_key, load_or_create_secret_key

        if self.secret_key:
            check_secret_key(self.secret_key)
        else:
            self.secret_key = load_or_create_secret_key(self.secret_key_path)
        return self

    @property
    def secret_key_path(self) -> Path:
        if self.secret_key_file is not None:
            return self.secret_key_file
        if self.is_sqlite:
            from sqlalchemy.engine import make_url

            database = make_url(self.database_url).database
            if database and database != ":memory:" and not database.startswith("file:"):
                return Path(database).parent / "secret_key"
        return Path("var/secret_key")

    @property
    def public_host(self) -> str:
        return self.domain or f"{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.public_host}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
