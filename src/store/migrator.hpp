#pragma once
#include <string>
#include <vector>

#include "store/database.hpp"

namespace andel::store {

struct Migration {
    int version = 0;
    std::string name;  // "0001_membership.sql"
    std::string sql;
};

// The migrations compiled into the binary for an engine (migrations/<engine>/NNNN_name.sql), in order.
std::vector<Migration> EmbeddedMigrations(Engine engine);

// Applies every migration not yet recorded in schema_migrations, each in its own transaction, in order.
// Returns the versions applied. Safe to run from several processes at once (PostgreSQL: advisory lock).
std::vector<int> Migrate(Database& db, int64_t now_ms);

}  // namespace andel::store
