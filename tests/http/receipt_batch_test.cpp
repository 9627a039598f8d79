// The batch upload's bound: 10 000 receipts per request are answered line by line; 10 001 are refused whole.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/demo/generator.hpp"
#include "http/test_app.hpp"

namespace andel {
namespace {

http::Response PostBatch(test::TestApp& app, const std::string& body) {
    http::Request r;
    r.method = "POST";
    r.path = r.target = "/api/v1/till/receipts/batch";
    r.request_id = "batch-test";
    r.body = body;
    r.headers = {{"authorization", std::string("Bearer ") + app::kDemoTillToken},
                 {"content-type", "application/x-ndjson"}};
    return app.router->Handle(r);
}

std::string Lines(size_t n, const std::string& line) {
    std::string out;
    out.reserve(n * (line.size() + 1));
    for (size_t i = 0; i < n; ++i) out += line + "\n";
    return out;
}

TEST(ReceiptBatch, TenThousandLinesAreAnsweredOneByOne) {
    test::TestApp app("sqlite");
    // Receipts that fail validation cheaply: every line gets its own 422 answer.
    const std::string unpaid = R"({"receipt_id": "x", "till": "1", "occurred_at": "2026-11-23T10:00:00Z", )"
                               R"("lines": [{"sku": "1", "category": "groceries", "amount_minor": 100}], )"
                               R"("tenders": [{"kind": "card", "amount_minor": 99}]})";
    auto r = PostBatch(app, Lines(10'000, unpaid));
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
    EXPECT_EQ(r.content_type, "application/x-ndjson");
    size_t answers = 0;
    for (size_t i = 0; (i = r.body.find('\n', i)) != std::string::npos; ++i) ++answers;
    EXPECT_EQ(answers, 10'000u);
    auto last = nlohmann::json::parse(r.body.substr(r.body.rfind('\n', r.body.size() - 2) + 1));
    EXPECT_EQ(last["line"], 10'000);
    EXPECT_EQ(last["status"], 422);
}

TEST(ReceiptBatch, TenThousandAndOneAreRefusedWhole) {
    test::TestApp app("sqlite");
    auto r = PostBatch(app, Lines(10'001, "{}"));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.content_type, "application/problem+json");
}

TEST(ReceiptBatch, BlankLinesDoNotCount) {
    test::TestApp app("sqlite");
    auto r = PostBatch(app, Lines(10'000, "{}") + "\n\n\n");
    EXPECT_EQ(r.status, 200);
}

}  // namespace
}  // namespace andel
