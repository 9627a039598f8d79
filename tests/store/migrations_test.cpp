#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "store/migrator.hpp"
#include "test_support.hpp"

namespace andel {
namespace {

std::set<std::string> Names(const std::string& engine) {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(test::SourcePath("migrations/" + engine)))
        if (e.path().extension() == ".sql") out.insert(e.path().filename().string());
    return out;
}

TEST(Migrations, BothEnginesHaveTheSameVersions) {
    auto sqlite = Names("sqlite");
    auto postgres = Names("postgres");
    EXPECT_FALSE(sqlite.empty());
    EXPECT_EQ(sqlite, postgres) << "every migration exists for both engines, with the same number and name";
}

TEST(Migrations, EmbeddedMigrationsMatchTheFolders) {
    for (auto engine : {store::Engine::kSqlite, store::Engine::kPostgres}) {
        std::set<std::string> embedded;
        int last = 0;
        for (const auto& m : store::EmbeddedMigrations(engine)) {
            EXPECT_GT(m.version, last) << m.name;
            last = m.version;
            embedded.insert(m.name);
        }
        EXPECT_EQ(embedded, Names(std::string(store::EngineName(engine))));
    }
}

class MigrationsOn : public ::testing::TestWithParam<std::string> {};

TEST_P(MigrationsOn, ApplyOnceAndAreRecorded) {
    ANDEL_SKIP_UNLESS_ENGINE(GetParam());
    auto db = test::FreshDatabase(GetParam());  // already migrated
    EXPECT_TRUE(store::Migrate(*db, 1).empty()) << "a second run applies nothing";
    auto c = db->Read();
    auto rows = c->Query("SELECT version, name FROM schema_migrations ORDER BY version");
    auto expected = store::EmbeddedMigrations(db->engine());
    ASSERT_EQ(rows.size(), expected.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].Int(0), expected[i].version);
        EXPECT_EQ(rows[i].Text(1), expected[i].name);
    }
}

INSTANTIATE_TEST_SUITE_P(Engines, MigrationsOn, ::testing::ValuesIn(test::Engines()));

}  // namespace
}  // namespace andel
