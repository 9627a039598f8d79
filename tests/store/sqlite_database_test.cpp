// The SQLite adapter's checkpoints: on a thread of their own, so a commit does not wait for them, and by the
// writer itself once the WAL reaches its limit, so the WAL stays bounded under writes without a pause.
#include "store/sqlite/sqlite_database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

namespace andel::store::sqlite {
namespace {

namespace fs = std::filesystem;

class SqliteCheckpoints : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = fs::temp_directory_path() / ("andel-sqlite-test-" + std::to_string(rd()));
        fs::create_directories(dir_);
        path_ = (dir_ / "t.db").string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    // Transactions of one row each, a 4 KiB blob: at least one page of the WAL per commit.
    static void WriteRows(Database& db, int from, int count) {
        for (int i = from; i < from + count; ++i) {
            Transaction tx(db);
            tx.conn().Execute("INSERT INTO t (id, body) VALUES ($1, zeroblob(4096))", {int64_t{i}});
            tx.Commit();
        }
    }

    static std::unique_ptr<Database> OpenWithTable(const std::string& path, SqliteOptions options) {
        auto db = OpenSqlite(path, options);
        auto w = db->Write();
        w->ExecScript("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
        return db;
    }

    uintmax_t SizeOf(const std::string& path) const { return fs::exists(path) ? fs::file_size(path) : 0; }

    fs::path dir_;
    std::string path_;
};

TEST_F(SqliteCheckpoints, RunOnAThreadOfTheirOwnOnceTheWalHoldsEnoughPages) {
    SqliteOptions options;
    options.checkpoint_pages = 8;
    options.wal_limit_pages = 1'000'000;  // the writer never checkpoints itself here
    auto db = OpenWithTable(path_, options);
    const uintmax_t before = SizeOf(path_);
    WriteRows(*db, 1, 40);
    // In WAL mode the database file grows only by a checkpoint; nothing but the thread runs one here.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (SizeOf(path_) < before + 20 * 4096 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_GE(SizeOf(path_), before + 20 * 4096) << "the rows reached the database file";
    auto r = db->Read();
    EXPECT_EQ(r->QueryOne("SELECT COUNT(*) FROM t")->Int(0), 40);
}

TEST_F(SqliteCheckpoints, TheWalStaysBoundedUnderWritesWithoutAPause) {
    SqliteOptions options;
    options.checkpoint_pages = 1'000'000;  // the thread is never asked: only the writer's own checkpoints
    options.wal_limit_pages = 32;
    {
        auto db = OpenWithTable(path_, options);
        WriteRows(*db, 1, 300);
        // Each frame is a page and a 24-byte header; the WAL restarts after the writer's checkpoint at 32
        // pages, so it never holds much more than 32 pages and one transaction's.
        EXPECT_LT(SizeOf(path_ + "-wal"), uintmax_t{48} * (4096 + 24)) << "300 pages were written";
        EXPECT_GE(SizeOf(path_), uintmax_t{200} * 4096) << "most rows are in the database file already";
    }
    auto db = OpenSqlite(path_, options);
    auto r = db->Read();
    EXPECT_EQ(r->QueryOne("SELECT COUNT(*) FROM t")->Int(0), 300) << "nothing committed was lost";
}

TEST_F(SqliteCheckpoints, CloseCleanlyWhileTheThreadWaits) {
    SqliteOptions options;
    options.checkpoint_pages = 1;
    for (int round = 0; round < 5; ++round) {
        auto db = OpenWithTable(path_, options);
        WriteRows(*db, round * 10 + 1, 10);
    }
    auto db = OpenSqlite(path_, options);
    EXPECT_EQ(db->Read()->QueryOne("SELECT COUNT(*) FROM t")->Int(0), 50);
}

}  // namespace
}  // namespace andel::store::sqlite
