// The till's identity answer (R_CARD_2), written without a JSON tree (src/http/api/membership_api.cpp
// TillBody): byte for byte what nlohmann would write for the same object, with and without a household.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/demo/generator.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel {
namespace {

using nlohmann::json;

class TillApiTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
    }
    http::Response Raw(const std::string& method, const std::string& path, const std::string& body = {}) {
        http::Request r;
        r.method = method;
        r.path = path;
        r.target = path;
        r.body = body;
        r.request_id = "till-api";
        r.remote_address = "192.0.2.61";
        r.headers = {{"content-type", "application/json"},
                     {"authorization", std::string("Bearer ") + app::kDemoTillToken}};
        return app_->router->Handle(r);
    }
    std::unique_ptr<test::TestApp> app_;
};

TEST_P(TillApiTest, TheAnswerIsWhatNlohmannWouldWriteWithAHousehold_R_CARD_2) {
    auto r = Raw("GET", "/api/v1/till/cards/6047000000000010");
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body);
    EXPECT_EQ(r.body, j.dump());
    EXPECT_EQ(j["member_number"], "33216744");
    EXPECT_EQ(j["identified_by"], "card");
    EXPECT_EQ(j["may_earn"], true);
    EXPECT_EQ(j["household"]["owner_member_number"], "33216744");
    EXPECT_EQ(j["household"]["role"], "owner");
    EXPECT_EQ(j["household"]["size"], 3);

    auto by_number = Raw("POST", "/api/v1/till/identify", R"({"member_number": "33216744"})");
    ASSERT_EQ(by_number.status, 200) << by_number.body;
    auto n = json::parse(by_number.body);
    EXPECT_EQ(by_number.body, n.dump());
    EXPECT_EQ(n["identified_by"], "member_number");
    n["identified_by"] = "card";
    EXPECT_EQ(n, j) << "the same member by number and by card";
}

TEST_P(TillApiTest, TheAnswerIsWhatNlohmannWouldWriteWithoutAHousehold_R_MEM_1_R_CARD_3) {
    auto pia = app_->RegisterDanishProfile();
    ASSERT_FALSE(pia.cards.empty());
    auto r = Raw("GET", "/api/v1/till/cards/" + pia.cards[0].card_number);
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body);
    EXPECT_EQ(r.body, j.dump());
    EXPECT_TRUE(j["household"].is_null());
    EXPECT_TRUE(j["member_number"].is_null());
    EXPECT_EQ(j["kind"], "profile");
    EXPECT_EQ(j["first_name"], "Pia");
    EXPECT_EQ(j["may_earn"], false);
}

INSTANTIATE_TEST_SUITE_P(Engines, TillApiTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel
