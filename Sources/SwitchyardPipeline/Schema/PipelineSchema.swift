import SwitchyardStore

/// The tables the Pipeline layer owns: subscriptions, usage counters, the usage ledger and
/// idempotency keys. Applied by ``UsageMeter/init(database:writer:now:)`` and
/// ``SQLitePlanSubscriptionStore/init(database:now:)``.
public enum PipelineSchema {
    public static let migrations = [
        Migration(
            name: "switchyard_pipeline_001",
            sql: """
                CREATE TABLE switchyard_subscriptions (
                    subject TEXT PRIMARY KEY,
                    plan TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'past_due', 'canceled')),
                    updated_at REAL NOT NULL
                );
                -- One row per caller and period; `used` never exceeds the plan's limit.
                CREATE TABLE switchyard_usage_counters (
                    subject TEXT NOT NULL,
                    period_start INTEGER NOT NULL,
                    used INTEGER NOT NULL CHECK (used >= 0),
                    PRIMARY KEY (subject, period_start)
                ) WITHOUT ROWID;
                -- One row per counted request, written in the same transaction as the counter.
                CREATE TABLE switchyard_usage_ledger (
                    id INTEGER PRIMARY KEY,
                    subject TEXT NOT NULL,
                    period_start INTEGER NOT NULL,
                    units INTEGER NOT NULL,
                    request_id TEXT NOT NULL,
                    route TEXT NOT NULL,
                    worker TEXT,
                    job_id INTEGER,
                    created_at REAL NOT NULL
                );
                CREATE INDEX switchyard_usage_ledger_subject ON switchyard_usage_ledger (subject, period_start);
                CREATE INDEX switchyard_usage_ledger_job ON switchyard_usage_ledger (job_id) WHERE job_id IS NOT NULL;
                -- A retried request with the same key counts once and gets the first response.
                CREATE TABLE switchyard_idempotency_keys (
                    subject TEXT NOT NULL,
                    key TEXT NOT NULL,
                    route TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),
                    response_status INTEGER,
                    response_content_type TEXT,
                    response_body BLOB,
                    created_at REAL NOT NULL,
                    PRIMARY KEY (subject, key)
                ) WITHOUT ROWID;
                CREATE INDEX switchyard_idempotency_keys_created ON switchyard_idempotency_keys (created_at);
                """),
        Migration(
            name: "switchyard_pipeline_002",
            sql: """
                -- SHA-256 of the first request's body: a retry with another body is refused.
                ALTER TABLE switchyard_idempotency_keys ADD COLUMN request_hash BLOB;
                """),
        Migration(
            name: "switchyard_pipeline_003",
            sql: """
                -- The kept response's Location header (a 202's status URL): a replay gives it back.
                ALTER TABLE switchyard_idempotency_keys ADD COLUMN response_location TEXT;
                -- A job's owner is on the job now (switchyard_jobs_002): nothing looks a ledger row up by job.
                DROP INDEX switchyard_usage_ledger_job;
                """),
    ]

    /// Jobs enqueued before a job recorded its owner (`switchyard_jobs_002`) get it from the
    /// usage ledger: the newest ledger row naming a job's id is the request that made the job
    /// now under that id (an older one named a job pruned since). Applied by
    /// ``UsageMeter/init(database:writer:now:)`` once the job table has its `owner` column.
    static let jobOwnersBackfill = Migration(
        name: "switchyard_pipeline_job_owners",
        sql: """
            CREATE INDEX switchyard_backfill_ledger_job ON switchyard_usage_ledger (job_id, id) WHERE job_id IS NOT NULL;
            UPDATE switchyard_jobs SET owner = (
                SELECT subject FROM switchyard_usage_ledger WHERE job_id = switchyard_jobs.id ORDER BY id DESC LIMIT 1)
            WHERE owner IS NULL;
            DROP INDEX switchyard_backfill_ledger_job;
            """)
}
