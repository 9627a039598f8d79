#pragma once
// Helpers shared by the service tests (tests/app): result matchers and valid Swedish personnummer.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/result.hpp"

namespace andel::test {

template <typename T>
::testing::AssertionResult IsOk(const core::Result<T>& r) {
    if (r.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "error " << core::Describe(r.error().code).slug << " ["
                                         << r.error().rule << "]: " << r.error().detail;
}

// Fails with `code`, and when `rule` is given, that DOMAIN.md rule.
template <typename T>
::testing::AssertionResult Fails(const core::Result<T>& r, core::ErrorCode code,
                                 const std::string& rule = {}) {
    if (r.ok()) return ::testing::AssertionFailure() << "succeeded; expected " << core::Describe(code).slug;
    if (r.error().code != code || (!rule.empty() && r.error().rule != rule))
        return ::testing::AssertionFailure()
               << "expected " << core::Describe(code).slug << " [" << rule << "], got "
               << core::Describe(r.error().code).slug << " [" << r.error().rule << "]: " << r.error().detail;
    return ::testing::AssertionSuccess();
}

// A Swedish personnummer YYYYMMDDNNNC with its Luhn check digit over YYMMDDNNN.
inline std::string Personnummer(int year, int month, int day, int serial) {
    char body[64];
    std::snprintf(body, sizeof body, "%02d%02d%02d%03d", year % 100, month, day, serial % 1000);
    int sum = 0;
    for (int i = 0; i < 9; ++i) {
        int d = (body[i] - '0') * (i % 2 == 0 ? 2 : 1);
        sum += d > 9 ? d - 9 : d;
    }
    char full[64];
    std::snprintf(full, sizeof full, "%04d%02d%02d%03d%d", year, month, day, serial % 1000,
                  (10 - sum % 10) % 10);
    return full;
}

}  // namespace andel::test
