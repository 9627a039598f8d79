// The multi-row statement helpers: chunks of lengths from a fixed set (powers of two), placeholder lists.
#include "store/batch_sql.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace andel::store {
namespace {

std::vector<std::pair<size_t, size_t>> Chunks(size_t n) {
    std::vector<std::pair<size_t, size_t>> out;
    ForEachChunk(n, [&](size_t begin, size_t length) { out.emplace_back(begin, length); });
    return out;
}

TEST(BatchSqlTest, ChunksArePowersOfTwoThatCoverTheRangeInOrder) {
    EXPECT_TRUE(Chunks(0).empty());
    EXPECT_EQ(Chunks(1), (std::vector<std::pair<size_t, size_t>>{{0, 1}}));
    EXPECT_EQ(Chunks(1000), (std::vector<std::pair<size_t, size_t>>{
                                {0, 512}, {512, 256}, {768, 128}, {896, 64}, {960, 32}, {992, 8}}));
    for (size_t n : {size_t{511}, size_t{512}, size_t{513}, size_t{10'000}}) {
        size_t next = 0;
        for (const auto& [begin, length] : Chunks(n)) {
            EXPECT_EQ(begin, next);
            EXPECT_LE(length, kMaxChunk);
            EXPECT_EQ(length & (length - 1), 0u) << length;
            next += length;
        }
        EXPECT_EQ(next, n);
    }
}

TEST(BatchSqlTest, PlaceholdersAndValuesRowsNumberFromFirst) {
    EXPECT_EQ(Placeholders(3, 4), "$4, $5, $6");
    EXPECT_EQ(Placeholders(0), "");
    EXPECT_EQ(ValuesRows(2, 2), "($1, $2), ($3, $4)");
    EXPECT_EQ(ValuesRows(1, 2, 5, true), "(CAST($5 AS BIGINT), CAST($6 AS BIGINT))");
}

}  // namespace
}  // namespace andel::store
