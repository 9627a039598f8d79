#include "store/database.hpp"

#include <filesystem>

#include "store/postgres/postgres_database.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace andel::store {

std::unique_ptr<Database> Open(const std::string& url) {
    if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
        return postgres::OpenPostgres(url);
    std::string path = url.starts_with("sqlite:") ? url.substr(7) : url;
    if (path.empty()) throw DbError(DbError::Kind::kOther, "empty SQLite path");
    if (path != ":memory:") {
        auto parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent);
    }
    return sqlite::OpenSqlite(path);
}

Transaction::Transaction(Database& db) : lease_(db.Write()) { lease_->ExecScript(db.BeginWriteSql()); }

Transaction::~Transaction() {
    if (!done_) {
        try {
            lease_->ExecScript("ROLLBACK");
        } catch (...) {
            // The connection may already be broken; the pool resets it.
        }
    }
}

void Transaction::Commit() {
    lease_->ExecScript("COMMIT");
    done_ = true;
}

}  // namespace andel::store
