#pragma once
#include <cstdlib>
#include <memory>
#include <string>

#include "store/database.hpp"

namespace andel::test {

// The engines the storage and API suites run on: "sqlite" and "postgres". Suites are parameterised by this
// name; PostgreSQL instances skip (visibly) unless ANDEL_TEST_POSTGRES_URL names a server (CI starts one
// with scripts/pg-test), so the list of tests does not depend on the environment.
std::vector<std::string> Engines();
bool EngineAvailable(const std::string& engine);
// A fresh, migrated, empty database of that engine: a temporary SQLite file, or a new schema on PostgreSQL.
std::unique_ptr<store::Database> FreshDatabase(const std::string& engine);
// The same, and the URL that opens it again (a second node, another process).
std::unique_ptr<store::Database> FreshDatabase(const std::string& engine, std::string& url);
// Path of a file in the source tree.
std::string SourcePath(const std::string& relative);

}  // namespace andel::test

// First line of a parameterised fixture's SetUp (or test body): skips when the engine is not configured.
#define ANDEL_SKIP_UNLESS_ENGINE(engine)         \
    if (!::andel::test::EngineAvailable(engine)) \
    GTEST_SKIP() << (engine) << " is not configured here (set ANDEL_TEST_POSTGRES_URL to run it)"
