#pragma once
#include <cstdlib>
#include <memory>
#include <string>

#include "store/database.hpp"

namespace andel::test {

// The engines the storage and API suites run on: "sqlite" always; "postgres" when ANDEL_TEST_POSTGRES_URL
// names a server (CI starts one with scripts/pg-test). Suites are parameterised by this name.
std::vector<std::string> Engines();
// A fresh, migrated, empty database of that engine: a temporary SQLite file, or a new schema on PostgreSQL.
std::unique_ptr<store::Database> FreshDatabase(const std::string& engine);
// Path of a file in the source tree.
std::string SourcePath(const std::string& relative);

}  // namespace andel::test
