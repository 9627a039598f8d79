#pragma once
#include <memory>
#include <string>

#include "store/database.hpp"

namespace andel::store::sqlite {

struct SqliteOptions {
    int readers = 8;  // reader connections in the pool
    // Durability: WAL with synchronous=NORMAL is durable against a crash of the process (every committed
    // transaction is in the WAL); FULL also survives power loss. Default FULL; the generator uses OFF.
    std::string synchronous = "FULL";
};

// SQLite in WAL mode, foreign keys on, a busy timeout, one writer connection and a pool of readers.
std::unique_ptr<Database> OpenSqlite(const std::string& path, SqliteOptions options = {});

}  // namespace andel::store::sqlite
