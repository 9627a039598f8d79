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
    // Checkpoints (the WAL copied back into the database file) run on a thread of their own once the WAL
    // holds checkpoint_pages pages, so a commit does not wait for them. Under writes without a pause, a
    // checkpoint that runs beside a transaction cannot restart the WAL; once it holds wal_limit_pages, the
    // writer checkpoints after its commit itself (what is left: the thread did most), and the WAL restarts.
    int checkpoint_pages = 1000;  // SQLite's own default for its automatic checkpoint
    int wal_limit_pages = 16000;  // 64 MiB with 4 KiB pages
};

// SQLite in WAL mode, foreign keys on, a busy timeout, one writer connection, a pool of readers and, for a
// file, a checkpointer thread.
std::unique_ptr<Database> OpenSqlite(const std::string& path, SqliteOptions options = {});

}  // namespace andel::store::sqlite
