#include <gtest/gtest.h>

#include <limits>

#include "store/database.hpp"

namespace andel::store {
namespace {

Row MakeRow(std::vector<std::optional<std::string>> cells) { return Row(std::move(cells)); }

TEST(Row, IntParsesSigned64BitDecimals) {
    Row row = MakeRow({"0", "-1", "9223372036854775807", "-9223372036854775808", "42"});
    EXPECT_EQ(row.Int(0), 0);
    EXPECT_EQ(row.Int(1), -1);
    EXPECT_EQ(row.Int(2), std::numeric_limits<int64_t>::max());
    EXPECT_EQ(row.Int(3), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(row.OptInt(4), 42);
}

TEST(Row, IntReadsPostgresBooleans) {
    Row row = MakeRow({"t", "f"});
    EXPECT_EQ(row.Int(0), 1);
    EXPECT_EQ(row.Int(1), 0);
    EXPECT_TRUE(row.Bool(0));
    EXPECT_FALSE(row.Bool(1));
}

TEST(Row, IntRefusesNullAndGarbage) {
    Row row = MakeRow({std::nullopt, "", "12a", " 1", "1.5", "9223372036854775808", "+1", "true", "0x10"});
    EXPECT_THROW(row.Int(0), DbError);
    for (size_t i = 1; i < row.size(); ++i) {
        try {
            row.Int(i);
            ADD_FAILURE() << "column " << i << " parsed";
        } catch (const DbError& e) {
            EXPECT_EQ(e.kind(), DbError::Kind::kOther);
        }
    }
    EXPECT_EQ(row.OptInt(0), std::nullopt);
    EXPECT_THROW(row.OptInt(2), DbError);
}

TEST(Row, TextRefusesNullButNotEmpty) {
    Row row = MakeRow({std::nullopt, "", "hej"});
    EXPECT_THROW(row.Text(0), DbError);
    EXPECT_EQ(row.Text(1), "");
    EXPECT_EQ(row.Text(2), "hej");
    EXPECT_TRUE(row.IsNull(0));
    EXPECT_EQ(row.OptText(0), std::nullopt);
    EXPECT_THROW(row.Text(3), std::out_of_range);
}

TEST(Engine, HasAName) {
    EXPECT_EQ(EngineName(Engine::kSqlite), "sqlite");
    EXPECT_EQ(EngineName(Engine::kPostgres), "postgres");
}

}  // namespace
}  // namespace andel::store
