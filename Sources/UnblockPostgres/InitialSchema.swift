// Version 1 of the schema. The entities are kept as the embedded store's records (protobuf, in
// `record`), with the columns beside them that constraints and operators need; the change log
// lets every node follow the others' commits; `issued_responses` makes a challenge answered once
// on any node; sessions hold a hash of each token, never the token.
enum InitialSchema {
    static let migration = Migration(
        version: 1, name: "initial",
        statements: [
            "CREATE TABLE unblock_meta (key text PRIMARY KEY, value bytea NOT NULL)",
            // One row, locked by every commit: the commits of all nodes are one sequence.
            """
            CREATE TABLE unblock_state (
              singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
              last_sequence bigint NOT NULL,
              next_account_id bigint NOT NULL,
              next_card_id bigint NOT NULL,
              next_audit_sequence bigint NOT NULL)
            """,
            "INSERT INTO unblock_state VALUES (true, 0, 1, 1, 1)",
            """
            CREATE TABLE unblock_changes (
              sequence bigint PRIMARY KEY,
              committed_at timestamptz NOT NULL DEFAULT now(),
              record bytea NOT NULL)
            """,
            "CREATE TABLE profiles (name text PRIMARY KEY, record bytea NOT NULL)",
            """
            CREATE TABLE accounts (
              id bigint PRIMARY KEY,
              username text NOT NULL,
              record bytea NOT NULL,
              CONSTRAINT accounts_username_key UNIQUE (username) DEFERRABLE INITIALLY DEFERRED)
            """,
            """
            CREATE TABLE cards (
              id bigint PRIMARY KEY,
              serial text NOT NULL,
              owner bigint NOT NULL,
              record bytea NOT NULL,
              CONSTRAINT cards_serial_key UNIQUE (serial) DEFERRABLE INITIALLY DEFERRED)
            """,
            "CREATE INDEX cards_by_owner ON cards (owner)",
            """
            CREATE TABLE issued_responses (
              card_id bigint NOT NULL,
              challenge_hash bytea NOT NULL,
              at_ms bigint NOT NULL,
              key_version bigint NOT NULL,
              PRIMARY KEY (card_id, challenge_hash))
            """,
            "CREATE INDEX issued_responses_by_time ON issued_responses (at_ms)",
            """
            CREATE TABLE audit_events (
              sequence bigint PRIMARY KEY,
              at_ms bigint NOT NULL,
              actor text NOT NULL,
              action text NOT NULL,
              target text NOT NULL,
              record bytea NOT NULL)
            """,
            "CREATE INDEX audit_events_by_actor ON audit_events (actor, sequence)",
            "CREATE INDEX audit_events_by_target ON audit_events (target, sequence)",
            "CREATE INDEX audit_events_by_action ON audit_events (action, sequence)",
            "CREATE INDEX audit_events_by_time ON audit_events (at_ms)",
            """
            CREATE TABLE sessions (
              token_hash bytea PRIMARY KEY,
              account_id bigint NOT NULL,
              username text NOT NULL,
              expires_ms bigint NOT NULL,
              last_used_ms bigint NOT NULL,
              enrollment_only boolean NOT NULL)
            """,
            "CREATE INDEX sessions_by_account ON sessions (account_id)",
        ])
}
