#include "store/sqlite/sqlite_database.hpp"

#include <pthread.h>
#include <sqlite3.h>

#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace andel::store::sqlite {
namespace {

DbError MakeError(sqlite3* db, int rc, std::string_view context) {
    int ext = db ? sqlite3_extended_errcode(db) : rc;
    std::string msg = std::string(context) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    switch (ext) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            return DbError(DbError::Kind::kUniqueViolation, msg);
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            return DbError(DbError::Kind::kForeignKeyViolation, msg);
        case SQLITE_CONSTRAINT_CHECK:
        case SQLITE_CONSTRAINT_NOTNULL:
            return DbError(DbError::Kind::kCheckViolation, msg);
        default:
            break;
    }
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return DbError(DbError::Kind::kBusy, msg);
    // A full disk or a failing one: nothing the request did wrong, and it may pass once space is freed.
    if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR)
        return DbError(DbError::Kind::kUnavailable, msg);
    return DbError(DbError::Kind::kOther, msg);
}

// Portable SQL uses $1..$N; SQLite understands ?NNN with the same numbering. Quoted text is left alone.
std::string TranslatePlaceholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size());
    char quote = 0;
    for (size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        if (quote) {
            if (c == quote) quote = 0;
            out.push_back(c);
        } else if (c == '\'' || c == '"') {
            quote = c;
            out.push_back(c);
        } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            out.push_back('?');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

class SqliteConnection final : public Connection {
  public:
    SqliteConnection(const std::string& path, bool read_only, const SqliteOptions& options) {
        int flags = (read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
        int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
        if (rc != SQLITE_OK) {
            DbError err = MakeError(db_, rc, "open " + path);
            sqlite3_close(db_);
            db_ = nullptr;
            throw err;
        }
        sqlite3_extended_result_codes(db_, 1);
        sqlite3_busy_timeout(db_, 5000);
        if (!read_only) ExecScript("PRAGMA journal_mode=WAL");
        // Page cache: 64 MiB for the writer, 16 MiB per reader. No mmap: mapped pages count in the server's
        // resident memory, and the kernel's page cache serves reads about as fast.
        ExecScript("PRAGMA foreign_keys=ON; PRAGMA synchronous=" + options.synchronous +
                   "; PRAGMA temp_store=MEMORY; PRAGMA cache_size=" + (read_only ? "-16384" : "-65536"));
    }
    ~SqliteConnection() override {
        for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
        sqlite3_close_v2(db_);
    }

    Engine engine() const override { return Engine::kSqlite; }
    sqlite3* handle() const { return db_; }

    void ExecScript(std::string_view sql) override {
        char* err = nullptr;
        std::string text(sql);
        int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            std::string msg = err ? err : sqlite3_errstr(rc);
            sqlite3_free(err);
            throw MakeError(db_, rc, "exec: " + msg);
        }
    }

    std::vector<Row> Query(std::string_view sql, std::span<const Value> params) override {
        sqlite3_stmt* stmt = Prepare(sql);
        Bind(stmt, params);
        std::vector<Row> rows;
        int columns = sqlite3_column_count(stmt);
        for (;;) {
            int rc = sqlite3_step(stmt);
            if (rc == SQLITE_ROW) {
                std::vector<std::optional<std::string>> cells;
                cells.reserve(columns);
                for (int c = 0; c < columns; ++c) {
                    if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
                        cells.emplace_back(std::nullopt);
                    } else {
                        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
                        cells.emplace_back(std::string(text, sqlite3_column_bytes(stmt, c)));
                    }
                }
                rows.emplace_back(std::move(cells));
            } else if (rc == SQLITE_DONE) {
                break;
            } else {
                sqlite3_reset(stmt);
                throw MakeError(db_, rc, "step");
            }
        }
        sqlite3_reset(stmt);
        return rows;
    }

    int64_t Execute(std::string_view sql, std::span<const Value> params) override {
        sqlite3_stmt* stmt = Prepare(sql);
        Bind(stmt, params);
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        }
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE) throw MakeError(db_, rc, "step");
        return sqlite3_changes64(db_);
    }

  private:
    sqlite3_stmt* Prepare(std::string_view sql) {
        auto it = statements_.find(sql);
        if (it != statements_.end()) return it->second;
        std::string translated = TranslatePlaceholders(sql);
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v3(db_, translated.c_str(), static_cast<int>(translated.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) throw MakeError(db_, rc, "prepare");
        statements_.emplace(std::string(sql), stmt);
        return stmt;
    }

    void Bind(sqlite3_stmt* stmt, std::span<const Value> params) {
        sqlite3_clear_bindings(stmt);
        int expected = sqlite3_bind_parameter_count(stmt);
        if (static_cast<int>(params.size()) < expected)
            throw DbError(DbError::Kind::kOther, "too few parameters for statement");
        for (size_t i = 0; i < params.size() && static_cast<int>(i) < expected; ++i) {
            int idx = static_cast<int>(i) + 1;
            int rc = SQLITE_OK;
            const Value& v = params[i];
            if (std::holds_alternative<std::nullptr_t>(v)) {
                rc = sqlite3_bind_null(stmt, idx);
            } else if (const auto* n = std::get_if<int64_t>(&v)) {
                rc = sqlite3_bind_int64(stmt, idx, *n);
            } else {
                const auto& s = std::get<std::string>(v);
                // Not copied: `params` outlives every step of this call, and each call binds afresh.
                rc = sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
            }
            if (rc != SQLITE_OK) throw MakeError(db_, rc, "bind");
        }
    }

    sqlite3* db_ = nullptr;
    // Looked up by string_view without building a string (C++20 heterogeneous lookup).
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> statements_;
};

class SqliteDatabase final : public Database {
  public:
    SqliteDatabase(std::string path, SqliteOptions options) : path_(std::move(path)), options_(options) {
        // An in-memory database must share one connection: readers use the writer.
        memory_ = path_ == ":memory:";
        writer_ = std::make_unique<SqliteConnection>(path_, false, options_);
        if (!memory_) {
            // The hook replaces SQLite's automatic checkpoint, which would run inside the writer's commit.
            sqlite3_wal_hook(writer_->handle(), &SqliteDatabase::OnCommit, this);
            checkpointer_ = std::thread([this] { Checkpoints(); });
        }
    }

    ~SqliteDatabase() override {
        if (checkpointer_.joinable()) {
            {
                std::lock_guard g(checkpoint_mu_);
                stopping_ = true;
            }
            checkpoint_cv_.notify_one();
            checkpointer_.join();
        }
    }

    Engine engine() const override { return Engine::kSqlite; }
    std::string_view BeginWriteSql() const override { return "BEGIN IMMEDIATE"; }

    ConnectionLease Read() override {
        if (memory_) return Write();
        std::unique_lock lock(mu_);
        if (!idle_readers_.empty()) {
            Connection* c = idle_readers_.back();
            idle_readers_.pop_back();
            return Lease(c);
        }
        if (static_cast<int>(readers_.size()) < options_.readers) {
            readers_.push_back(std::make_unique<SqliteConnection>(path_, true, options_));
            return Lease(readers_.back().get());
        }
        cv_.wait(lock, [&] { return !idle_readers_.empty(); });
        Connection* c = idle_readers_.back();
        idle_readers_.pop_back();
        return Lease(c);
    }

    ConnectionLease Write() override {
        std::unique_lock lock(writer_mu_);
        writer_cv_.wait(lock, [&] { return !writer_busy_; });
        writer_busy_ = true;
        return ConnectionLease(writer_.get(), [this](Connection*) {
            {
                std::lock_guard g(writer_mu_);
                writer_busy_ = false;
            }
            CountWriteReturned();
            writer_cv_.notify_one();
        });
    }

    bool Ping() override {
        try {
            auto c = Read();
            c->Query("SELECT 1");
            return true;
        } catch (const DbError&) {
            return false;
        }
    }

  private:
    // After each commit of the writer, on its thread, with the pages the WAL now holds.
    static int OnCommit(void* self, sqlite3* db, const char* schema, int pages) {
        auto* d = static_cast<SqliteDatabase*>(self);
        if (pages >= d->options_.wal_limit_pages) {
            // A checkpoint that fails here (busy: the thread is at it) is retried after the next commit.
            sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        } else if (pages >= d->options_.checkpoint_pages) {
            {
                std::lock_guard g(d->checkpoint_mu_);
                d->checkpoint_due_ = true;
            }
            d->checkpoint_cv_.notify_one();
        }
        return SQLITE_OK;
    }

    // The checkpointer thread, with a connection of its own.
    void Checkpoints() {
        // Signals are for the threads that wait for them (`andel serve` takes SIGTERM with sigwait); this
        // thread may start before they are blocked, and would take SIGTERM's default action itself.
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, nullptr);
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
                            nullptr) != SQLITE_OK) {
            sqlite3_close(db);
            db = nullptr;  // no thread's checkpoints then: the writer's, at wal_limit_pages, remain
        }
        if (db) {
            sqlite3_busy_timeout(db, 5000);
            // A connection opens the file at its first statement; until then it knows nothing of the WAL.
            sqlite3_exec(db, "PRAGMA schema_version", nullptr, nullptr, nullptr);
        }
        std::unique_lock lock(checkpoint_mu_);
        for (;;) {
            checkpoint_cv_.wait(lock, [&] { return checkpoint_due_ || stopping_; });
            if (stopping_) break;
            checkpoint_due_ = false;
            lock.unlock();
            if (db) sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
            lock.lock();
        }
        sqlite3_close_v2(db);
    }

    ConnectionLease Lease(Connection* c) {
        return ConnectionLease(c, [this](Connection* conn) {
            {
                std::lock_guard g(mu_);
                idle_readers_.push_back(conn);
            }
            cv_.notify_one();
        });
    }

    std::string path_;
    SqliteOptions options_;
    bool memory_ = false;
    std::unique_ptr<SqliteConnection> writer_;
    std::mutex writer_mu_;
    std::condition_variable writer_cv_;
    bool writer_busy_ = false;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<SqliteConnection>> readers_;
    std::vector<Connection*> idle_readers_;
    std::mutex checkpoint_mu_;
    std::condition_variable checkpoint_cv_;
    bool checkpoint_due_ = false;
    bool stopping_ = false;
    std::thread checkpointer_;  // last: started once everything it uses exists
};

}  // namespace

std::unique_ptr<Database> OpenSqlite(const std::string& path, SqliteOptions options) {
    // Before the first connection: no global memory statistics (their mutex is taken on every allocation)
    // and no per-connection mutexes (the pool gives a connection to one thread at a time).
    static std::once_flag configured;
    std::call_once(configured, [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    });
    return std::make_unique<SqliteDatabase>(path, options);
}

}  // namespace andel::store::sqlite
