#include "core/money.hpp"

namespace andel::core {

int64_t ApplyBasisPoints(int64_t amount_minor, BasisPoints bp) {
    __int128 num = static_cast<__int128>(amount_minor) * bp;
    __int128 q = num / 10000;
    __int128 r = num % 10000;
    if (r < 0) r = -r;
    bool negative = num < 0;
    if (r * 2 > 10000 || (r * 2 == 10000 && (q % 2 != 0))) q += negative ? -1 : 1;
    return static_cast<int64_t>(q);
}

}  // namespace andel::core
