#pragma once
#include <cstddef>
#include <functional>
#include <string>

namespace andel::store {

// Multi-row statements over a batch (bulk writes, look-ups by many keys). ForEachChunk cuts [0, n) into
// chunks whose lengths are powers of two up to kMaxChunk, so a statement written for a chunk's length is
// prepared once per length and each connection's statement cache stays small, whatever the batches' lengths.
// kMaxChunk rows of up to 22 parameters stay under SQLite's 32 766 and PostgreSQL's 65 535 parameters.
inline constexpr size_t kMaxChunk = 512;
void ForEachChunk(size_t n, const std::function<void(size_t begin, size_t length)>& fn);

// "$first, $first+1, ...": n placeholders, for `column IN (...)`.
std::string Placeholders(size_t n, size_t first = 1);

// "($1, $2), ($3, $4)": `rows` rows of `cols` placeholders numbered from `first`, for a VALUES list. With
// `bigint` each is written CAST($k AS BIGINT), for a VALUES list in FROM whose types PostgreSQL cannot infer.
// The columns of `(VALUES ...) AS v` are v.column1, v.column2, ... on both engines.
std::string ValuesRows(size_t rows, size_t cols, size_t first = 1, bool bigint = false);

}  // namespace andel::store
