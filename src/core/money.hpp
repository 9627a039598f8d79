#pragma once
#include <cstdint>
#include <string>

namespace andel::core {

// Money is int64 minor units plus an ISO 4217 currency; never floating point (DESIGN.md).
struct Money {
    int64_t minor = 0;
    std::string currency;  // "DKK", "NOK", "SEK"
    friend bool operator==(const Money&, const Money&) = default;
};

// Basis points: 1 % = 100 bp.
using BasisPoints = int64_t;

// amount * bp / 10 000, rounded half-even at the minor unit.
int64_t ApplyBasisPoints(int64_t amount_minor, BasisPoints bp);

}  // namespace andel::core
