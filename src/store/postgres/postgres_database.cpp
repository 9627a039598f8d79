#include "store/postgres/postgres_database.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <utility>

namespace andel::store::postgres {
namespace {

constexpr size_t kMaxSqlInMessage = 200;

std::string Shorten(std::string_view sql) {
    if (sql.size() <= kMaxSqlInMessage) return std::string(sql);
    return std::string(sql.substr(0, kMaxSqlInMessage)) + "...";
}

std::string TrimEnd(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// Server notices (e.g. "table does not exist, skipping") go to the debug log, not to stderr.
void LogNotice(void* /*arg*/, const char* message) {
    spdlog::debug("postgres notice: {}", TrimEnd(message ? message : ""));
}

bool Succeeded(const PGresult* r) {
    if (!r) return false;
    switch (PQresultStatus(r)) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY:
            return true;
        default:
            return false;
    }
}

}  // namespace

DbError::Kind KindOfSqlState(std::string_view sqlstate) {
    using Kind = DbError::Kind;
    if (sqlstate == "23505") return Kind::kUniqueViolation;
    if (sqlstate == "23503") return Kind::kForeignKeyViolation;
    // not_null_violation is a check violation too, as on SQLite (SQLITE_CONSTRAINT_NOTNULL), so repositories
    // see the same kind on both engines.
    if (sqlstate == "23514" || sqlstate == "23502") return Kind::kCheckViolation;
    if (sqlstate == "40001" || sqlstate == "40P01") return Kind::kSerialization;
    if (sqlstate == "55P03" || sqlstate == "57014") return Kind::kBusy;
    // Class 08 (connection exception), the server shutting down or starting (57P01-57P03), too many
    // connections (53300): the request may pass once the server is back.
    if (sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
        sqlstate == "53300")
        return Kind::kUnavailable;
    return Kind::kOther;
}

// --- PostgresConnection ---------------------------------------------------------------------------------

void PostgresConnection::ResultDeleter::operator()(pg_result* r) const { PQclear(r); }

PostgresConnection::PostgresConnection(const std::string& url, bool prepare) : prepare_(prepare) {
    conn_ = PQconnectdb(url.c_str());
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
        // The URL may hold a password: it stays out of the message.
        std::string msg = conn_ ? TrimEnd(PQerrorMessage(conn_)) : "out of memory";
        PQfinish(conn_);
        conn_ = nullptr;
        throw DbError(DbError::Kind::kUnavailable, "postgres connect: " + msg);
    }
    try {
        SetUpSession();
    } catch (...) {
        PQfinish(conn_);
        conn_ = nullptr;
        throw;
    }
}

PostgresConnection::~PostgresConnection() {
    if (conn_) PQfinish(conn_);
}

void PostgresConnection::SetUpSession() {
    PQsetNoticeProcessor(conn_, &LogNotice, nullptr);
    ExecScript("SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'; SET application_name = 'andel'");
}

PostgresConnection::ResultPtr PostgresConnection::Check(pg_result* result, std::string_view sql) const {
    ResultPtr r(result);
    if (Succeeded(r.get())) return r;
    const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    std::string msg = TrimEnd(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_));
    if (msg.empty()) msg = r ? PQresStatus(PQresultStatus(r.get())) : "no result";
    // No result, or no SQLSTATE on a connection that broke: the server went away (restart, dropped socket).
    const bool lost = PQstatus(conn_) == CONNECTION_BAD && (sqlstate.empty() || !r);
    throw DbError(lost ? DbError::Kind::kUnavailable : KindOfSqlState(sqlstate),
                  "postgres: " + msg + " [SQLSTATE " + (sqlstate.empty() ? "none" : sqlstate) +
                      "] in: " + Shorten(sql));
}

void PostgresConnection::ExecScript(std::string_view sql) {
    std::string text(sql);
    Check(PQexec(conn_, text.c_str()), sql);
}

const std::string& PostgresConnection::Prepare(const std::string& sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
    std::string name = "andel_" + std::to_string(next_statement_++);
    // nParams 0 and no types: the server infers the number and the types of the parameters.
    Check(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), sql);
    return statements_.emplace(sql, std::move(name)).first->second;
}

PostgresConnection::ResultPtr PostgresConnection::Run(std::string_view sql, std::span<const Value> params) {
    // Text parameters, type OID 0: int64 as decimal text, NULL as a null pointer.
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
        const Value& v = params[i];
        if (const auto* n = std::get_if<int64_t>(&v)) {
            texts[i] = std::to_string(*n);
            values[i] = texts[i].c_str();
        } else if (const auto* s = std::get_if<std::string>(&v)) {
            // A text parameter ends at its first NUL; PostgreSQL text cannot hold one anyway.
            if (s->find('\0') != std::string::npos) {
                throw DbError(DbError::Kind::kOther, "postgres: text parameter $" + std::to_string(i + 1) +
                                                         " contains NUL in: " + Shorten(sql));
            }
            values[i] = s->c_str();
        }
    }
    const int n = static_cast<int>(params.size());
    if (!prepare_) {
        // Unnamed statements only (a pooler in transaction mode): parsed at every call, types inferred alike.
        std::string text(sql);
        return Check(PQexecParams(conn_, text.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0), sql);
    }
    const std::string& name = Prepare(std::string(sql));
    return Check(
        PQexecPrepared(conn_, name.c_str(), n, values.data(), nullptr, nullptr, /*resultFormat text*/ 0),
        sql);
}

std::vector<Row> PostgresConnection::Query(std::string_view sql, std::span<const Value> params) {
    ResultPtr r = Run(sql, params);
    std::vector<Row> rows;
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return rows;
    const int n_rows = PQntuples(r.get());
    const int n_cols = PQnfields(r.get());
    rows.reserve(static_cast<size_t>(n_rows));
    for (int i = 0; i < n_rows; ++i) {
        std::vector<std::optional<std::string>> cells;
        cells.reserve(static_cast<size_t>(n_cols));
        for (int j = 0; j < n_cols; ++j) {
            if (PQgetisnull(r.get(), i, j)) {
                cells.emplace_back(std::nullopt);
            } else {
                cells.emplace_back(
                    std::string(PQgetvalue(r.get(), i, j), static_cast<size_t>(PQgetlength(r.get(), i, j))));
            }
        }
        rows.emplace_back(std::move(cells));
    }
    return rows;
}

int64_t PostgresConnection::Execute(std::string_view sql, std::span<const Value> params) {
    ResultPtr r = Run(sql, params);
    std::string_view count = PQcmdTuples(r.get());  // "" for statements that change no rows (DDL)
    int64_t n = 0;
    std::from_chars(count.data(), count.data() + count.size(), n);
    return n;
}

bool PostgresConnection::IsHealthy() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

bool PostgresConnection::StillConnected() {
    // An idle connection has nothing to read: data or an end of file here is the server's farewell (a
    // restart, pg_terminate_backend). PQconsumeInput reads without blocking: first the FATAL message, then
    // the end of file, which makes the connection CONNECTION_BAD.
    for (int reads = 0; reads < 4 && IsHealthy(); ++reads) {
        pollfd p{PQsocket(conn_), POLLIN, 0};
        if (poll(&p, 1, 0) <= 0) break;
        if (PQconsumeInput(conn_) == 0) break;
    }
    return IsHealthy();
}

bool PostgresConnection::Reset() {
    statements_.clear();
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    try {
        SetUpSession();
    } catch (const DbError& e) {
        spdlog::warn("postgres: session set-up after reconnect failed: {}", e.what());
        return false;
    }
    return true;
}

bool PostgresConnection::Revive() { return StillConnected() || Reset(); }

bool PostgresConnection::Recycle() {
    if (!IsHealthy()) return Reset();
    switch (PQtransactionStatus(conn_)) {
        case PQTRANS_IDLE:
            return true;
        case PQTRANS_INTRANS:
        case PQTRANS_INERROR: {
            // A borrower left a transaction open: end it so the next one starts clean.
            ResultPtr r(PQexec(conn_, "ROLLBACK"));
            if (Succeeded(r.get())) return true;
            return Reset();
        }
        default:
            return Reset();  // PQTRANS_ACTIVE / PQTRANS_UNKNOWN: the connection is in no usable state
    }
}

// --- PostgresDatabase -----------------------------------------------------------------------------------

PostgresDatabase::PostgresDatabase(std::string url, PostgresOptions options)
    : url_(std::move(url)), options_(options) {
    if (options_.pool_size < 1) throw std::invalid_argument("postgres pool_size must be at least 1");
    // One connection up front, so a wrong URL or a server that is down fails at start-up.
    idle_.push_back(std::make_unique<PostgresConnection>(url_, options_.prepared_statements));
    open_ = 1;
}

PostgresDatabase::~PostgresDatabase() = default;

ConnectionLease PostgresDatabase::Acquire(bool write) {
    std::unique_lock lock(mutex_);
    const bool ready = available_.wait_for(lock, options_.acquire_timeout,
                                           [&] { return !idle_.empty() || open_ < options_.pool_size; });
    if (!ready) {
        throw DbError(DbError::Kind::kBusy, "postgres: no connection free in the pool of " +
                                                std::to_string(options_.pool_size) + " after " +
                                                std::to_string(options_.acquire_timeout.count()) + " ms");
    }
    auto release = [this, write](Connection* c) {
        Release(c);
        if (write) CountWriteReturned();
    };
    if (!idle_.empty()) {
        // Most recently used first: its statement cache is the warmest.
        std::unique_ptr<PostgresConnection> conn = std::move(idle_.back());
        idle_.pop_back();
        ++in_use_;
        lock.unlock();
        // After a server restart every idle connection is dead: reconnect it now rather than fail the
        // request that borrows it. A server still down fails this request (503) and the next one tries again.
        if (!conn->Revive()) {
            conn.reset();
            lock.lock();
            --open_;
            --in_use_;
            available_.notify_one();
            throw DbError(DbError::Kind::kUnavailable, "postgres: the server does not answer");
        }
        return ConnectionLease(conn.release(), release);
    }
    // Open a new connection outside the lock; its slot is reserved meanwhile.
    ++open_;
    ++in_use_;
    lock.unlock();
    try {
        auto conn = std::make_unique<PostgresConnection>(url_, options_.prepared_statements);
        return ConnectionLease(conn.release(), release);
    } catch (...) {
        lock.lock();
        --open_;
        --in_use_;
        available_.notify_one();
        throw;
    }
}

void PostgresDatabase::Release(Connection* c) {
    std::unique_ptr<PostgresConnection> conn(static_cast<PostgresConnection*>(c));
    // Outside the lock: this may talk to the server (ROLLBACK, reconnect).
    bool usable = conn->Recycle();
    if (!usable) {
        spdlog::warn("postgres: dropping a broken connection from the pool");
        conn.reset();
    }
    {
        std::lock_guard lock(mutex_);
        --in_use_;
        if (usable) {
            idle_.push_back(std::move(conn));
        } else {
            --open_;
        }
    }
    available_.notify_one();
}

bool PostgresDatabase::Ping() {
    try {
        ConnectionLease lease = Acquire(false);
        auto row = lease->QueryOne("SELECT 1");
        return row && row->Int(0) == 1;
    } catch (const std::exception& e) {
        spdlog::warn("postgres: ping failed: {}", e.what());
        return false;
    }
}

int PostgresDatabase::InUse() const {
    std::lock_guard lock(mutex_);
    return in_use_;
}

int PostgresDatabase::OpenConnections() const {
    std::lock_guard lock(mutex_);
    return open_;
}

std::pair<std::string, bool> TakePreparedStatementsOption(const std::string& url) {
    static constexpr std::string_view kOption = "prepared_statements=";
    const auto query = url.find('?');
    if (query == std::string::npos) return {url, true};
    std::string kept;
    bool prepare = true;
    for (size_t at = query + 1; at <= url.size();) {
        size_t end = url.find('&', at);
        if (end == std::string::npos) end = url.size();
        const std::string_view param(url.data() + at, end - at);
        if (param.starts_with(kOption)) {
            const auto value = param.substr(kOption.size());
            if (value != "true" && value != "false")
                throw DbError(DbError::Kind::kOther, "postgres: prepared_statements must be true or false");
            prepare = value == "true";
        } else if (!param.empty()) {
            kept += (kept.empty() ? "" : "&") + std::string(param);
        }
        at = end + 1;
    }
    return {url.substr(0, query) + (kept.empty() ? "" : "?" + kept), prepare};
}

std::unique_ptr<Database> OpenPostgres(const std::string& url, int pool_size) {
    auto [libpq_url, prepare] = TakePreparedStatementsOption(url);
    PostgresOptions options;
    options.pool_size = pool_size;
    options.prepared_statements = prepare;
    return std::make_unique<PostgresDatabase>(libpq_url, options);
}

}  // namespace andel::store::postgres
