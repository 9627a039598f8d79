#include "store/batch_sql.hpp"

namespace andel::store {

void ForEachChunk(size_t n, const std::function<void(size_t, size_t)>& fn) {
    size_t begin = 0;
    while (begin < n) {
        size_t length = kMaxChunk;
        while (length > n - begin) length /= 2;
        fn(begin, length);
        begin += length;
    }
}

std::string Placeholders(size_t n, size_t first) {
    std::string s;
    s.reserve(n * 6);
    for (size_t i = 0; i < n; ++i) {
        if (i) s += ", ";
        s += '$';
        s += std::to_string(first + i);
    }
    return s;
}

std::string ValuesRows(size_t rows, size_t cols, size_t first, bool bigint) {
    std::string s;
    s.reserve(rows * cols * (bigint ? 24 : 6));
    size_t k = first;
    for (size_t r = 0; r < rows; ++r) {
        s += r ? ", (" : "(";
        for (size_t c = 0; c < cols; ++c, ++k) {
            if (c) s += ", ";
            if (bigint) s += "CAST(";
            s += '$';
            s += std::to_string(k);
            if (bigint) s += " AS BIGINT)";
        }
        s += ')';
    }
    return s;
}

}  // namespace andel::store
