// The PostgreSQL adapter against a live server. Runs when ANDEL_TEST_POSTGRES_URL names one
// (export ANDEL_TEST_POSTGRES_URL=$(scripts/pg-test start /tmp/pgt)); skipped otherwise.
#include "store/postgres/postgres_database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <limits>
#include <random>
#include <thread>

namespace andel::store::postgres {
namespace {

using Kind = DbError::Kind;

std::string RandomSuffix() {
    std::random_device rd;
    std::uniform_int_distribution<uint64_t> dist;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(dist(rd)));
    return buf;
}

// The same server, with every connection's search_path set to `schema` (libpq's `options` parameter).
std::string UrlWithSearchPath(const std::string& url, const std::string& schema) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

template <typename F>
Kind KindOf(F&& f) {
    try {
        f();
    } catch (const DbError& e) {
        return e.kind();
    }
    ADD_FAILURE() << "no DbError thrown";
    return Kind::kOther;
}

PostgresConnection& AsPostgres(Connection& c) { return dynamic_cast<PostgresConnection&>(c); }

class PostgresDatabaseTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const char* url = std::getenv("ANDEL_TEST_POSTGRES_URL");
        if (!url || !*url) GTEST_SKIP() << "ANDEL_TEST_POSTGRES_URL is not set";
        base_url_ = url;
        schema_ = "t_" + RandomSuffix();
        admin_ = std::make_unique<PostgresConnection>(base_url_);
        admin_->ExecScript("CREATE SCHEMA " + schema_);
        url_ = UrlWithSearchPath(base_url_, schema_);
    }
    void TearDown() override {
        if (admin_) admin_->ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }

    std::unique_ptr<PostgresDatabase> OpenPool(int pool_size,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        PostgresOptions options;
        options.pool_size = pool_size;
        options.acquire_timeout = timeout;
        return std::make_unique<PostgresDatabase>(url_, options);
    }

    int64_t Count(Database& db, const std::string& table) {
        return db.Read()->QueryOne("SELECT count(*) FROM " + table)->Int(0);
    }

    std::string base_url_;
    std::string url_;
    std::string schema_;
    std::unique_ptr<PostgresConnection> admin_;  // outside the pool under test
};

TEST_F(PostgresDatabaseTest, SessionIsUtcWithApplicationNameAndSearchPath) {
    auto db = OpenPostgres(url_, 2);
    EXPECT_EQ(db->engine(), Engine::kPostgres);
    EXPECT_EQ(db->BeginWriteSql(), "BEGIN");
    EXPECT_TRUE(db->Ping());
    auto conn = db->Read();
    EXPECT_EQ(conn->engine(), Engine::kPostgres);
    EXPECT_EQ(conn->QueryOne("SHOW TimeZone")->Text(0), "UTC");
    EXPECT_EQ(conn->QueryOne("SHOW application_name")->Text(0), "andel");
    EXPECT_EQ(conn->QueryOne("SELECT current_schema()")->Text(0), schema_);
}

TEST_F(PostgresDatabaseTest, ParametersOfEachTypeRoundTrip) {
    auto db = OpenPostgres(url_, 2);
    auto conn = db->Write();
    conn->ExecScript("CREATE TABLE v (id bigint PRIMARY KEY, n bigint, t text)");
    const int64_t max = std::numeric_limits<int64_t>::max();
    const int64_t min = std::numeric_limits<int64_t>::min();
    const std::string text = "Ærø 'single' \"double\" \\ back; -- not a comment $1 🙂 ñ";
    EXPECT_EQ(conn->Execute("INSERT INTO v (id, n, t) VALUES ($1, $2, $3)", {Int(1), Int(max), Text(text)}),
              1);
    EXPECT_EQ(conn->Execute("INSERT INTO v (id, n, t) VALUES ($1, $2, $3)", {Int(2), Int(min), Null()}), 1);
    EXPECT_EQ(conn->Execute("INSERT INTO v (id, n, t) VALUES ($1, $2, $3)", {Int(3), Null(), Text("")}), 1);
    EXPECT_EQ(conn->Execute("INSERT INTO v (id, n, t) VALUES ($1, $2, $3)", {Int(4), Int(-1), Text("0")}), 1);

    auto rows = conn->Query("SELECT id, n, t FROM v ORDER BY id");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].Int(1), max);
    EXPECT_EQ(rows[0].Text(2), text);
    EXPECT_EQ(rows[1].Int(1), min);
    EXPECT_TRUE(rows[1].IsNull(2));
    EXPECT_EQ(rows[1].OptText(2), std::nullopt);
    EXPECT_TRUE(rows[2].IsNull(1));
    EXPECT_EQ(rows[2].OptInt(1), std::nullopt);
    EXPECT_EQ(rows[2].Text(2), "");  // empty text is not NULL
    EXPECT_FALSE(rows[2].IsNull(2));
    EXPECT_EQ(rows[3].OptInt(1), -1);

    // Parameters compare against typed columns: the server infers their types from the statement.
    auto found = conn->QueryOne("SELECT id FROM v WHERE t = $1 AND n = $2", {Text(text), Int(max)});
    ASSERT_TRUE(found);
    EXPECT_EQ(found->Int(0), 1);
    EXPECT_FALSE(conn->QueryOne("SELECT id FROM v WHERE id = $1", {Int(99)}));

    // Casts, NULL parameters and booleans (text "t"/"f") read back through Row.
    auto row = conn->QueryOne("SELECT $1::bigint, $2::text, $3::bigint, true, false, $4::bigint IS NULL",
                              {Int(min), Text(text), Null(), Null()});
    ASSERT_TRUE(row);
    EXPECT_EQ(row->Int(0), min);
    EXPECT_EQ(row->Text(1), text);
    EXPECT_TRUE(row->IsNull(2));
    EXPECT_TRUE(row->Bool(3));
    EXPECT_FALSE(row->Bool(4));
    EXPECT_TRUE(row->Bool(5));
}

TEST_F(PostgresDatabaseTest, TextWithNulIsRefused) {
    auto db = OpenPostgres(url_, 1);
    auto conn = db->Read();
    EXPECT_EQ(KindOf([&] { conn->Query("SELECT $1::text", {Text(std::string("a\0b", 3))}); }), Kind::kOther);
}

TEST_F(PostgresDatabaseTest, UniqueViolationIsTold) {
    auto db = OpenPostgres(url_, 1);
    auto conn = db->Write();
    conn->ExecScript("CREATE TABLE u (id bigint PRIMARY KEY, email text UNIQUE)");
    conn->Execute("INSERT INTO u VALUES ($1, $2)", {Int(1), Text("a@example.org")});
    try {
        conn->Execute("INSERT INTO u VALUES ($1, $2)", {Int(2), Text("a@example.org")});
        FAIL() << "no DbError thrown";
    } catch (const DbError& e) {
        EXPECT_EQ(e.kind(), Kind::kUniqueViolation);
        EXPECT_TRUE(e.IsConstraint());
        EXPECT_NE(std::string(e.what()).find("23505"), std::string::npos) << e.what();
    }
    EXPECT_EQ(KindOf([&] {
                  conn->Execute("INSERT INTO u VALUES ($1, $2)", {Int(1), Text("b@example.org")});
              }),
              Kind::kUniqueViolation);
    // The connection is still good after the errors.
    EXPECT_EQ(conn->QueryOne("SELECT count(*) FROM u")->Int(0), 1);
}

TEST_F(PostgresDatabaseTest, ForeignKeyViolationIsTold) {
    auto db = OpenPostgres(url_, 1);
    auto conn = db->Write();
    conn->ExecScript(
        "CREATE TABLE parent (id bigint PRIMARY KEY);"
        "CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint NOT NULL REFERENCES parent(id))");
    conn->Execute("INSERT INTO parent VALUES ($1)", {Int(1)});
    EXPECT_EQ(conn->Execute("INSERT INTO child VALUES ($1, $2)", {Int(1), Int(1)}), 1);
    EXPECT_EQ(KindOf([&] {
                  conn->Execute("INSERT INTO child VALUES ($1, $2)", {Int(2), Int(42)});
              }),
              Kind::kForeignKeyViolation);
    EXPECT_EQ(KindOf([&] { conn->Execute("DELETE FROM parent WHERE id = $1", {Int(1)}); }),
              Kind::kForeignKeyViolation);
}

TEST_F(PostgresDatabaseTest, CheckAndNotNullViolationsAreChecks) {
    auto db = OpenPostgres(url_, 1);
    auto conn = db->Write();
    conn->ExecScript("CREATE TABLE c (id bigint PRIMARY KEY, points bigint NOT NULL CHECK (points >= 0))");
    EXPECT_EQ(KindOf([&] {
                  conn->Execute("INSERT INTO c VALUES ($1, $2)", {Int(1), Int(-5)});
              }),
              Kind::kCheckViolation);
    EXPECT_EQ(KindOf([&] {
                  conn->Execute("INSERT INTO c VALUES ($1, $2)", {Int(1), Null()});
              }),
              Kind::kCheckViolation);
}

TEST_F(PostgresDatabaseTest, OtherErrorsAreOtherAndLeaveTheConnectionUsable) {
    auto db = OpenPostgres(url_, 1);
    auto conn = db->Read();
    EXPECT_EQ(KindOf([&] { conn->Query("SELEC 1"); }), Kind::kOther);
    EXPECT_EQ(KindOf([&] { conn->Query("SELECT * FROM no_such_table"); }), Kind::kOther);
    EXPECT_EQ(KindOf([&] { conn->ExecScript("SELECT 1; SELEC 2"); }), Kind::kOther);
    EXPECT_EQ(KindOf([&] { conn->Query("SELECT 1/0"); }), Kind::kOther);
    EXPECT_EQ(conn->QueryOne("SELECT 7")->Int(0), 7);
}

TEST_F(PostgresDatabaseTest, LockTimeoutIsBusy) {
    auto db = OpenPool(2);
    db->Write()->ExecScript("CREATE TABLE l (id bigint PRIMARY KEY)");
    auto holder = db->Write();
    holder->ExecScript("BEGIN; LOCK TABLE l IN ACCESS EXCLUSIVE MODE");
    auto other = db->Write();
    other->ExecScript("SET lock_timeout = '50ms'");
    EXPECT_EQ(KindOf([&] { other->Query("SELECT * FROM l"); }), Kind::kBusy);
    other->ExecScript("RESET lock_timeout");
    holder->ExecScript("ROLLBACK");
}

TEST_F(PostgresDatabaseTest, ExecuteCountsChangedRows) {
    auto db = OpenPostgres(url_, 1);
    auto conn = db->Write();
    EXPECT_EQ(conn->Execute("CREATE TABLE e (id bigint PRIMARY KEY, n bigint)"), 0);
    EXPECT_EQ(conn->Execute("INSERT INTO e SELECT g, 0 FROM generate_series(1, $1::bigint) g", {Int(25)}),
              25);
    EXPECT_EQ(conn->Execute("UPDATE e SET n = n + 1 WHERE id > $1", {Int(20)}), 5);
    EXPECT_EQ(conn->Execute("DELETE FROM e WHERE id = $1", {Int(1000)}), 0);
    EXPECT_TRUE(conn->Query("INSERT INTO e VALUES ($1, $2)", {Int(100), Int(1)}).empty());
    auto returned = conn->QueryOne("INSERT INTO e VALUES ($1, $2) RETURNING id", {Int(101), Int(1)});
    ASSERT_TRUE(returned);
    EXPECT_EQ(returned->Int(0), 101);
}

TEST_F(PostgresDatabaseTest, StatementsArePreparedOncePerConnectionAndReused) {
    auto db = OpenPool(1);
    auto lease = db->Write();
    auto& conn = AsPostgres(lease.get());
    conn.ExecScript("CREATE TABLE p (id bigint PRIMARY KEY, name text)");
    const size_t before = conn.PreparedCount();
    for (int64_t i = 0; i < 500; ++i) {
        conn.Execute("INSERT INTO p (id, name) VALUES ($1, $2)", {Int(i), Text("n" + std::to_string(i))});
        auto row = conn.QueryOne("SELECT name FROM p WHERE id = $1", {Int(i)});
        ASSERT_TRUE(row);
        ASSERT_EQ(row->Text(0), "n" + std::to_string(i));
    }
    EXPECT_EQ(conn.PreparedCount(), before + 2);
    // A failing execution does not spoil the cached statement.
    EXPECT_EQ(KindOf([&] {
                  conn.Execute("INSERT INTO p (id, name) VALUES ($1, $2)", {Int(0), Text("x")});
              }),
              Kind::kUniqueViolation);
    conn.Execute("INSERT INTO p (id, name) VALUES ($1, $2)", {Int(500), Text("x")});
    EXPECT_EQ(conn.PreparedCount(), before + 2);
    // ... and a statement that fails to prepare is not cached.
    EXPECT_EQ(KindOf([&] { conn.Query("SELECT nope FROM p"); }), Kind::kOther);
    EXPECT_EQ(conn.PreparedCount(), before + 2);
    EXPECT_EQ(conn.QueryOne("SELECT count(*) FROM p")->Int(0), 501);
}

TEST_F(PostgresDatabaseTest, PoolLendsAtMostPoolSizeConnections) {
    constexpr int kPoolSize = 3;
    auto db = OpenPool(kPoolSize);
    std::atomic<int> active{0};
    std::atomic<int> most{0};
    std::atomic<int> done{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 12; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 5; ++i) {
                auto conn = (t + i) % 2 ? db->Read() : db->Write();
                int now = ++active;
                int seen = most.load();
                while (now > seen && !most.compare_exchange_weak(seen, now)) {
                }
                // Holds the connection long enough for the others to pile up behind it.
                conn->Query("SELECT pg_sleep(0.005)");
                --active;
                ++done;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(done.load(), 60);
    EXPECT_LE(most.load(), kPoolSize);
    EXPECT_GE(most.load(), 2);  // the threads did run side by side
    EXPECT_LE(db->OpenConnections(), kPoolSize);
    EXPECT_EQ(db->InUse(), 0);
}

TEST_F(PostgresDatabaseTest, ExhaustedPoolTimesOutBusyAndWakesWaitersOnRelease) {
    auto db = OpenPool(2, std::chrono::milliseconds(100));
    auto a = std::make_unique<ConnectionLease>(db->Read());
    auto b = std::make_unique<ConnectionLease>(db->Write());
    EXPECT_EQ(db->InUse(), 2);
    EXPECT_EQ(KindOf([&] { db->Read(); }), Kind::kBusy);
    EXPECT_FALSE(db->Ping());

    auto patient = std::make_unique<PostgresDatabase>(url_, PostgresOptions{1, std::chrono::seconds(30)});
    auto held = std::make_unique<ConnectionLease>(patient->Read());
    std::atomic<bool> got{false};
    std::thread waiter([&] {
        auto c = patient->Write();
        got = (*c).QueryOne("SELECT 1")->Int(0) == 1;
    });
    held.reset();  // wakes the waiter, however far it has got
    waiter.join();
    EXPECT_TRUE(got.load());

    a.reset();
    EXPECT_EQ(db->Read()->QueryOne("SELECT 2")->Int(0), 2);
}

TEST_F(PostgresDatabaseTest, RolledBackTransactionLeavesNothing) {
    auto db = OpenPool(2);
    db->Write()->ExecScript("CREATE TABLE r (id bigint PRIMARY KEY)");
    {
        auto conn = db->Write();
        conn->ExecScript(db->BeginWriteSql());
        for (int64_t i = 0; i < 10; ++i) conn->Execute("INSERT INTO r VALUES ($1)", {Int(i)});
        EXPECT_EQ(conn->QueryOne("SELECT count(*) FROM r")->Int(0), 10);
        conn->ExecScript("ROLLBACK");
    }
    EXPECT_EQ(Count(*db, "r"), 0);

    // A failed statement aborts the transaction; rolling back leaves nothing either.
    {
        auto conn = db->Write();
        conn->ExecScript(db->BeginWriteSql());
        conn->Execute("INSERT INTO r VALUES ($1)", {Int(1)});
        EXPECT_EQ(KindOf([&] { conn->Execute("INSERT INTO r VALUES ($1)", {Int(1)}); }),
                  Kind::kUniqueViolation);
        EXPECT_EQ(KindOf([&] { conn->Execute("INSERT INTO r VALUES ($1)", {Int(2)}); }), Kind::kOther);
        conn->ExecScript("ROLLBACK");
    }
    EXPECT_EQ(Count(*db, "r"), 0);

    // A connection given back inside a transaction is rolled back by the pool.
    {
        auto conn = db->Write();
        conn->ExecScript(db->BeginWriteSql());
        conn->Execute("INSERT INTO r VALUES ($1)", {Int(3)});
    }
    EXPECT_EQ(Count(*db, "r"), 0);

    // Committed work stays.
    {
        auto conn = db->Write();
        conn->ExecScript(db->BeginWriteSql());
        conn->Execute("INSERT INTO r VALUES ($1)", {Int(4)});
        conn->ExecScript("COMMIT");
    }
    EXPECT_EQ(Count(*db, "r"), 1);
}

TEST_F(PostgresDatabaseTest, BrokenConnectionIsReconnectedWithAFreshStatementCache) {
    auto db = OpenPool(1);
    int64_t old_pid = 0;
    {
        auto lease = db->Read();
        auto& conn = AsPostgres(lease.get());
        old_pid = conn.QueryOne("SELECT pg_backend_pid() + $1", {Int(0)})->Int(0);
        EXPECT_GE(conn.PreparedCount(), 1u);
        EXPECT_TRUE(admin_->QueryOne("SELECT pg_terminate_backend($1::int, 5000)", {Int(old_pid)})->Bool(0));
        EXPECT_ANY_THROW(conn.Query("SELECT pg_backend_pid() + $1", {Int(0)}));
        EXPECT_FALSE(conn.IsHealthy());
    }
    auto lease = db->Read();
    auto& conn = AsPostgres(lease.get());
    EXPECT_TRUE(conn.IsHealthy());
    EXPECT_EQ(conn.PreparedCount(), 0u);
    int64_t new_pid = conn.QueryOne("SELECT pg_backend_pid() + $1", {Int(0)})->Int(0);
    EXPECT_NE(new_pid, old_pid);
    EXPECT_EQ(conn.QueryOne("SHOW TimeZone")->Text(0), "UTC");
    EXPECT_EQ(conn.QueryOne("SELECT current_schema()")->Text(0), schema_);
}

// After a server restart or pg_terminate_backend every idle connection of the pool is dead; the pool
// reconnects it when it lends it, so the request that borrows it does not fail (issue 11 §2).
TEST_F(PostgresDatabaseTest, TerminatedIdleConnectionIsRevivedBeforeItIsLent) {
    auto db = OpenPool(1);
    const int64_t old_pid = db->Read()->QueryOne("SELECT pg_backend_pid()")->Int(0);
    EXPECT_TRUE(admin_->QueryOne("SELECT pg_terminate_backend($1::int, 5000)", {Int(old_pid)})->Bool(0));
    auto lease = db->Read();
    const int64_t new_pid = lease->QueryOne("SELECT pg_backend_pid()")->Int(0);
    EXPECT_NE(new_pid, old_pid);
    EXPECT_EQ(lease->QueryOne("SHOW TimeZone")->Text(0), "UTC");
}

// PgBouncer in transaction mode: no named statement may outlive its transaction, so none is prepared.
TEST_F(PostgresDatabaseTest, WithoutPreparedStatementsNothingIsPreparedAndParametersStillBind) {
    auto db = OpenPostgres(url_ + "&prepared_statements=false", 1);
    auto lease = db->Write();
    auto& conn = AsPostgres(lease.get());
    conn.ExecScript("CREATE TABLE u (id BIGINT PRIMARY KEY, name TEXT)");
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(conn.Execute("INSERT INTO u VALUES ($1, $2)", {Int(i), Text("n" + std::to_string(i))}), 1);
    EXPECT_EQ(conn.QueryOne("SELECT name FROM u WHERE id = $1", {Int(2)})->Text(0), "n2");
    EXPECT_EQ(conn.PreparedCount(), 0u);
    EXPECT_EQ(conn.QueryOne("SELECT count(*) FROM pg_prepared_statements")->Int(0), 0);
    EXPECT_EQ(KindOf([&] {
                  conn.Execute("INSERT INTO u VALUES ($1, $2)", {Int(1), Text("again")});
              }),
              Kind::kUniqueViolation);
}

TEST(PostgresDatabase, PreparedStatementsOptionIsTakenOutOfTheUrl) {
    EXPECT_EQ(TakePreparedStatementsOption("postgresql://h/db"),
              std::make_pair(std::string("postgresql://h/db"), true));
    EXPECT_EQ(TakePreparedStatementsOption("postgresql://h/db?prepared_statements=false"),
              std::make_pair(std::string("postgresql://h/db"), false));
    EXPECT_EQ(TakePreparedStatementsOption(
                  "postgresql://h/db?connect_timeout=2&prepared_statements=false&sslmode=disable"),
              std::make_pair(std::string("postgresql://h/db?connect_timeout=2&sslmode=disable"), false));
    EXPECT_EQ(TakePreparedStatementsOption("postgresql://h/db?prepared_statements=true"),
              std::make_pair(std::string("postgresql://h/db"), true));
    EXPECT_THROW(TakePreparedStatementsOption("postgresql://h/db?prepared_statements=off"), DbError);
}

TEST(PostgresDatabase, UnreachableServerFailsAtOpenAsUnavailable) {
    // Port 1 on the loopback: refused at once, no server needed.
    EXPECT_EQ(
        KindOf([] { OpenPostgres("postgresql://postgres@127.0.0.1:1/andel_test?connect_timeout=2", 2); }),
        Kind::kUnavailable);
}

TEST(PostgresDatabase, SqlStatesMapToKinds) {
    EXPECT_EQ(KindOfSqlState("23505"), Kind::kUniqueViolation);
    EXPECT_EQ(KindOfSqlState("23503"), Kind::kForeignKeyViolation);
    EXPECT_EQ(KindOfSqlState("23514"), Kind::kCheckViolation);
    EXPECT_EQ(KindOfSqlState("23502"), Kind::kCheckViolation);
    EXPECT_EQ(KindOfSqlState("40001"), Kind::kSerialization);
    EXPECT_EQ(KindOfSqlState("40P01"), Kind::kSerialization);
    EXPECT_EQ(KindOfSqlState("55P03"), Kind::kBusy);
    EXPECT_EQ(KindOfSqlState("57014"), Kind::kBusy);
    EXPECT_EQ(KindOfSqlState("08006"), Kind::kUnavailable);
    EXPECT_EQ(KindOfSqlState("08P01"), Kind::kUnavailable);
    EXPECT_EQ(KindOfSqlState("57P01"), Kind::kUnavailable);
    EXPECT_EQ(KindOfSqlState("57P03"), Kind::kUnavailable);
    EXPECT_EQ(KindOfSqlState("53300"), Kind::kUnavailable);
    EXPECT_EQ(KindOfSqlState("42601"), Kind::kOther);
    EXPECT_EQ(KindOfSqlState(""), Kind::kOther);
}

}  // namespace
}  // namespace andel::store::postgres
