#pragma once
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/database.hpp"

// libpq's handles; its header stays in the .cpp.
struct pg_conn;
struct pg_result;

namespace andel::store::postgres {

// Maps a PostgreSQL SQLSTATE to the kind of DbError repositories tell apart.
DbError::Kind KindOfSqlState(std::string_view sqlstate);

// One libpq connection. Statements are prepared once per connection, by SQL text, and cached (or, with
// `prepare` false, sent unnamed each time: PQexecParams, for a pooler in transaction mode); parameters are
// bound as text with type OID 0 so the server infers their types, and results are read as text.
class PostgresConnection final : public Connection {
  public:
    // Connects with a libpq connection URI (or key=value string) and sets the session up (UTC, app name).
    // Throws DbError (kUnavailable) when the server cannot be reached.
    explicit PostgresConnection(const std::string& url, bool prepare = true);
    ~PostgresConnection() override;
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;

    Engine engine() const override { return Engine::kPostgres; }
    void ExecScript(std::string_view sql) override;
    std::vector<Row> Query(std::string_view sql, std::span<const Value> params = {}) override;
    int64_t Execute(std::string_view sql, std::span<const Value> params = {}) override;
    using Connection::Execute;
    using Connection::Query;

    // Whether the socket to the server is still good, as far as libpq knows.
    bool IsHealthy() const;
    // IsHealthy(), after reading without blocking whatever the server sent an idle connection (its notice
    // that it is shutting down or terminated this backend).
    bool StillConnected();
    // Makes an idle connection fit to lend: reconnects it when StillConnected() says it died. Returns false
    // if the server cannot be reached.
    bool Revive();
    // Makes the connection fit for the next borrower: rolls back a transaction left open, and reconnects
    // (dropping the statement cache) when the connection broke. Returns false if it cannot be repaired.
    bool Recycle();
    // Number of distinct statements prepared on this connection (for tests).
    size_t PreparedCount() const { return statements_.size(); }

  private:
    struct ResultDeleter {
        void operator()(pg_result* r) const;
    };
    using ResultPtr = std::unique_ptr<pg_result, ResultDeleter>;

    void SetUpSession();
    // Reconnects and forgets the prepared statements (they died with the old session).
    bool Reset();
    // Takes ownership of `result` and returns it if it succeeded; else throws the DbError for it (a null
    // result means out of memory or a lost connection).
    ResultPtr Check(pg_result* result, std::string_view sql) const;
    // Prepares `sql` on first use and returns the statement's name.
    const std::string& Prepare(const std::string& sql);
    // Runs `sql` as a prepared statement with `params`; returns a successful result or throws.
    ResultPtr Run(std::string_view sql, std::span<const Value> params);

    pg_conn* conn_ = nullptr;
    const bool prepare_;
    std::unordered_map<std::string, std::string> statements_;  // SQL text -> prepared statement name
    uint64_t next_statement_ = 0;
};

struct PostgresOptions {
    int pool_size = 8;                                // connections open at most
    std::chrono::milliseconds acquire_timeout{5000};  // waiting longer for one throws kBusy
    // false: no named prepared statements (PQexecParams), for PgBouncer in transaction pooling mode, where
    // consecutive statements may run on different server connections.
    bool prepared_statements = true;
};

// A bounded pool of PostgresConnection. Read() and Write() borrow from the same pool; connections are
// opened lazily up to pool_size (one is opened up front, so a bad URL fails at start-up).
class PostgresDatabase final : public Database {
  public:
    PostgresDatabase(std::string url, PostgresOptions options);
    ~PostgresDatabase() override;

    Engine engine() const override { return Engine::kPostgres; }
    ConnectionLease Read() override { return Acquire(false); }
    ConnectionLease Write() override { return Acquire(true); }
    std::string_view BeginWriteSql() const override { return "BEGIN"; }
    bool Ping() override;

    // Connections currently lent out, and open in total (for tests and metrics).
    int InUse() const;
    int OpenConnections() const;

  private:
    ConnectionLease Acquire(bool write);  // a write lease is counted when returned (WritesReturned)
    void Release(Connection* conn);

    const std::string url_;
    const PostgresOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<PostgresConnection>> idle_;
    int open_ = 0;    // idle + lent out + being opened
    int in_use_ = 0;  // lent out
};

// Andel's own URL parameter `prepared_statements=true|false` (default true), taken out of `url`; libpq
// would refuse it. Returns the URL for libpq and the value.
std::pair<std::string, bool> TakePreparedStatementsOption(const std::string& url);

// Opens a pool of `pool_size` connections to the PostgreSQL server named by a libpq connection URI
// (postgresql://user@host:port/db?...; `prepared_statements=false` for PgBouncer in transaction mode).
std::unique_ptr<Database> OpenPostgres(const std::string& url, int pool_size = 8);

}  // namespace andel::store::postgres
