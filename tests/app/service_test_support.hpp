#pragma once
// Helpers shared by the service tests (tests/app): result matchers and valid Swedish personnummer.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "app/ledger/receipt_service.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/ledger/ledger_repository.hpp"

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

// `andel check ledger` on the test's database: every entry sums to zero, every cached balance equals its
// postings, no member's balance below zero. Service suites call it after every test.
inline void ExpectLedgerClean(store::Database& db) {
    auto c = db.Read();
    auto problems = store::LedgerRepository(*c).Check(100);
    std::string all;
    for (const auto& p : problems) all += "\n  " + p;
    EXPECT_TRUE(problems.empty()) << "ledger check:" << all;
}

// An instant in UTC.
inline core::Timestamp Utc(int y, int mo, int d, int h = 12, int mi = 0, int s = 0, int ms = 0) {
    using namespace std::chrono;
    return core::Timestamp(sys_days(year{y} / month(static_cast<unsigned>(mo)) / d)) + hours{h} +
           minutes{mi} + seconds{s} + milliseconds{ms};
}

// A receipt of one groceries line paid by card (a return when the amount is negative, naming `original`),
// for the customer with `card` or `member_number`. The body hash stands for the canonical request.
inline app::ReceiptInput OneLineReceipt(const std::string& id, core::Timestamp at, int64_t amount_minor,
                                        std::optional<std::string> card,
                                        std::optional<std::string> member_number,
                                        std::optional<std::string> original = std::nullopt) {
    app::ReceiptInput in;
    in.receipt_id = id;
    in.till = "till-1";
    in.occurred_at = at;
    in.card = std::move(card);
    in.member_number = std::move(member_number);
    core::ReceiptLine l;
    l.sku = "sku-1";
    l.category = "groceries";
    l.quantity = amount_minor < 0 ? -1 : 1;
    l.amount_minor = amount_minor;
    in.lines.push_back(l);
    in.tenders.push_back({"card", amount_minor});
    in.original_receipt_id = std::move(original);
    in.body_hash = id + "@" + std::to_string(core::ToMillis(at)) + ":" + std::to_string(amount_minor);
    return in;
}

}  // namespace andel::test
