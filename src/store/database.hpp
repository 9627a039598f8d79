#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace andel::store {

enum class Engine { kSqlite, kPostgres };
std::string_view EngineName(Engine e);

// A list of ids bound as one parameter, so a statement over a batch is prepared once whatever the batch's
// length: `column IN ...` is written as "column " + InIds(engine, "$1"), with IdsParam(engine, ids) bound
// to $1 ("IN (SELECT value FROM json_each($1))" on SQLite, "= ANY(CAST($1 AS BIGINT[]))" on PostgreSQL).
std::string InIds(Engine e, std::string_view placeholder);

// A bound parameter. SQL is written once, portably, with $1..$N placeholders; the SQLite adapter maps
// them to ?1..?N. Booleans are bound as 0/1 integers and columns holding them are integers on both engines;
// timestamps are integers (Unix milliseconds, UTC); dates are 'YYYY-MM-DD' text.
using Value = std::variant<std::nullptr_t, int64_t, std::string>;

inline Value Null() { return nullptr; }
inline Value Int(int64_t v) { return v; }
inline Value Text(std::string v) { return Value(std::move(v)); }
Value IdsParam(Engine e, const std::vector<int64_t>& ids);
template <typename T>
Value OptionalText(const std::optional<T>& v) {
    return v ? Value(std::string(*v)) : Value(nullptr);
}

// One row of a result: columns by index, converted on access.
class Row {
  public:
    explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
    size_t size() const { return cells_.size(); }
    bool IsNull(size_t i) const { return !cells_.at(i).has_value(); }
    int64_t Int(size_t i) const;  // throws DbError on NULL or non-integer
    std::optional<int64_t> OptInt(size_t i) const;
    const std::string& Text(size_t i) const;  // throws DbError on NULL
    std::optional<std::string> OptText(size_t i) const { return cells_.at(i); }
    bool Bool(size_t i) const { return Int(i) != 0; }

  private:
    std::vector<std::optional<std::string>> cells_;
};

// Driver failures. Constraint violations are told apart so repositories can turn them into Conflict
// (STYLE.md: SQLITE_CONSTRAINT_UNIQUE and SQLSTATE 23505 both become Conflict). `what()` is driver text:
// for the log only, never for a client.
class DbError : public std::runtime_error {
  public:
    enum class Kind {
        kUniqueViolation,
        kForeignKeyViolation,
        kCheckViolation,
        kBusy,
        kSerialization,
        kUnavailable,  // the server cannot be reached or went away, the disk is full: a 503, retry later
        kOther
    };
    DbError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const { return kind_; }
    bool IsConstraint() const {
        return kind_ == Kind::kUniqueViolation || kind_ == Kind::kForeignKeyViolation ||
               kind_ == Kind::kCheckViolation;
    }

  private:
    Kind kind_;
};

// One database connection. Not thread-safe: a connection is used by one thread at a time (the pool hands
// it out). Statements are prepared once per connection and cached by their SQL text.
class Connection {
  public:
    virtual ~Connection() = default;
    virtual Engine engine() const = 0;
    // Runs a script of one or more statements without parameters (migrations, BEGIN, COMMIT).
    virtual void ExecScript(std::string_view sql) = 0;
    // Runs one statement and returns every row it produced.
    virtual std::vector<Row> Query(std::string_view sql, std::span<const Value> params = {}) = 0;
    // Runs one statement; returns the number of rows changed.
    virtual int64_t Execute(std::string_view sql, std::span<const Value> params = {}) = 0;

    std::optional<Row> QueryOne(std::string_view sql, std::span<const Value> params = {}) {
        auto rows = Query(sql, params);
        if (rows.empty()) return std::nullopt;
        return std::move(rows.front());
    }
    std::vector<Row> Query(std::string_view sql, std::initializer_list<Value> params) {
        return Query(sql, std::span<const Value>(params.begin(), params.size()));
    }
    int64_t Execute(std::string_view sql, std::initializer_list<Value> params) {
        return Execute(sql, std::span<const Value>(params.begin(), params.size()));
    }
    std::optional<Row> QueryOne(std::string_view sql, std::initializer_list<Value> params) {
        return QueryOne(sql, std::span<const Value>(params.begin(), params.size()));
    }
};

class Database;

// A connection borrowed from the pool; returned when destroyed.
class ConnectionLease {
  public:
    ConnectionLease(Connection* conn, std::function<void(Connection*)> release)
        : conn_(conn), release_(std::move(release)) {}
    ConnectionLease(ConnectionLease&& o) noexcept : conn_(o.conn_), release_(std::move(o.release_)) {
        o.conn_ = nullptr;
    }
    ConnectionLease(const ConnectionLease&) = delete;
    ConnectionLease& operator=(const ConnectionLease&) = delete;
    ~ConnectionLease() {
        if (conn_ && release_) release_(conn_);
    }
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_; }
    Connection& get() const { return *conn_; }

  private:
    Connection* conn_;
    std::function<void(Connection*)> release_;
};

// A pool of connections to one database.
// SQLite: one writer connection (writes are serialised by SQLite anyway) plus one reader per thread.
// PostgreSQL: a bounded pool; readers and writers share it.
class Database {
  public:
    virtual ~Database() = default;
    virtual Engine engine() const = 0;
    // A connection for reads only.
    virtual ConnectionLease Read() = 0;
    // A connection for a write transaction (SQLite: the single writer).
    virtual ConnectionLease Write() = 0;
    // SQL that begins a write transaction on this engine ("BEGIN IMMEDIATE" on SQLite).
    virtual std::string_view BeginWriteSql() const = 0;
    // Whether the database answers (for /readyz).
    virtual bool Ping() = 0;

    // How many write connections this process has given back. What a write lease did is committed (or rolled
    // back) by the time it is returned, so a cache that notes this count before it reads the database, and
    // reads again when the count has moved, sees every change this process made before it asked.
    uint64_t WritesReturned() const { return writes_returned_.load(std::memory_order_acquire); }

  protected:
    void CountWriteReturned() { writes_returned_.fetch_add(1, std::memory_order_acq_rel); }

  private:
    std::atomic<uint64_t> writes_returned_{0};
};

// Opens a database from a URL: "sqlite:PATH", a plain file path, ":memory:", or "postgresql://...".
std::unique_ptr<Database> Open(const std::string& url);

// A write transaction: begins on construction, rolls back on destruction unless committed.
// DbError kBusy / kSerialization from the body are retried by RunInTransaction.
class Transaction {
  public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Connection& conn() { return lease_.get(); }
    void Commit();

  private:
    ConnectionLease lease_;
    bool done_ = false;
};

}  // namespace andel::store
