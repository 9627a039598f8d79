// R_PRIV_4: a member's export holds everything Andel keeps about them, on SQLite and PostgreSQL. The schema
// test holds ExportCoverageList() to every table of the database, so a new table with a person reference
// cannot be left out of the export; the content test fills many features for the demo member and finds each
// in the export, and no secret (R_PRIV_5).
#include "app/privacy/data_export.hpp"

#include <gtest/gtest.h>

#include <set>

#include "app/auth/auth_service.hpp"
#include "app/service_test_support.hpp"
#include "app/transaction.hpp"
#include "http/test_app.hpp"
#include "store/access/account_repository.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using test::IsOk;

class DataExportTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
    }
    // Table -> its columns, from the database's own catalogue.
    std::map<std::string, std::set<std::string>> Schema() {
        auto c = app_->db->Read();
        std::map<std::string, std::set<std::string>> out;
        if (c->engine() == store::Engine::kSqlite) {
            // A full-text table's shadow tables (products_fts_data, ...) are part of it.
            std::set<std::string> shadows;
            for (const auto& v : c->Query("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE "
                                          "'CREATE VIRTUAL TABLE%'"))
                for (const char* suffix : {"_data", "_idx", "_content", "_docsize", "_config"})
                    shadows.insert(v.Text(0) + suffix);
            for (const auto& t :
                 c->Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                          "'sqlite_%'"))
                if (!shadows.contains(t.Text(0)))
                    for (const auto& col :
                         c->Query("SELECT name FROM pragma_table_info($1)", {store::Text(t.Text(0))}))
                        out[t.Text(0)].insert(col.Text(0));
        } else {
            for (const auto& r :
                 c->Query("SELECT table_name, column_name FROM information_schema.columns WHERE "
                          "table_schema = current_schema()"))
                out[r.Text(0)].insert(r.Text(1));
        }
        return out;
    }
    std::unique_ptr<test::TestApp> app_;
};

TEST_P(DataExportTest, EveryTableIsExportedOrSaysWhyNot_R_PRIV_4) {
    auto schema = Schema();
    std::map<std::string, ExportCoverage> listed;
    for (const auto& c : ExportCoverageList()) {
        EXPECT_TRUE(listed.emplace(c.table, c).second) << c.table << " is listed twice";
        EXPECT_FALSE(c.how.empty()) << c.table;
    }
    const std::set<std::string> person_references = {"person_id",    "member_id",         "account_id",
                                                     "household_id", "subject_member_id", "owner_member_id"};
    for (const auto& [table, columns] : schema) {
        auto it = listed.find(table);
        EXPECT_NE(it, listed.end())
            << "table " << table
            << " is new: export what it holds about a member (R_PRIV_4), or list it in "
               "ExportCoverageList() as holding nothing personal, with why";
        if (it == listed.end()) continue;
        for (const auto& column : columns) {
            if (person_references.contains(column)) {
                EXPECT_TRUE(it->second.exported)
                    << table << "." << column << " refers to a person: export it";
            }
        }
    }
    const std::set<std::string> sqlite_only = {"products_fts"};  // PostgreSQL searches a column of products
    for (const auto& [table, c] : listed)
        if (GetParam() == "sqlite" || !sqlite_only.contains(table)) {
            EXPECT_TRUE(schema.contains(table)) << table << " is no table";
        }
}

TEST_P(DataExportTest, HoldsWhatTheMemberDidAndNoSecret_R_PRIV_4_R_PRIV_5) {
    // A receipt, a partner sale, a login (a session), and a marketing choice for the demo member.
    int64_t store_id, member_id;
    {
        auto c = app_->db->Read();
        store_id = c->QueryOne("SELECT id FROM stores WHERE code = 'dk-odense-1'")->Int(0);
        member_id = c->QueryOne("SELECT id FROM members WHERE member_number = '33216744'")->Int(0);
    }
    auto receipt = test::OneLineReceipt("EXPORT-R-1", test::Utc(2026, 11, 23, 7), 12'345,
                                        std::string("6047000000000010"), std::nullopt);
    ASSERT_TRUE(IsOk(app_->receipts->Post(store_id, receipt, "test")));
    int64_t synoptik;
    {
        auto c = app_->db->Read();
        synoptik = c->QueryOne("SELECT id FROM partners WHERE code = 'dk-synoptik'")->Int(0);
    }
    PartnerSaleInput sale{"EXPORT-S-1",           "33216744",   "2026-11-20", "DKK",
                          {{"glasses", 100'000}}, std::nullopt, "api"};
    ASSERT_TRUE(IsOk(app_->partners->ReportSale(synoptik, sale, "test")));
    auth::LoginRequest request;
    request.login = "33216744";
    request.password = "123456";
    request.device = "Export test phone";
    request.client_address = "192.0.2.1";
    ASSERT_TRUE(IsOk(app_->auth->Login(request)));
    store::MarketingChoices choices;
    choices.sms = false;
    ASSERT_TRUE(IsOk(app_->marketing->Set(member_id, choices, "test", false)));

    DataExport exporter(*app_->db, app_->clock);
    auto out = exporter.ForMember(member_id);
    ASSERT_TRUE(IsOk(out));
    const auto& j = *out;
    EXPECT_EQ(j["membership"]["member_number"], "33216744");
    EXPECT_EQ(j["person"]["first_name"], "Demo");
    EXPECT_EQ(j["household"]["role"], "owner");
    EXPECT_EQ(j["household"]["members"].size(), 3u);
    bool card = false;
    for (const auto& c : j["cards"]) card = card || c["card_number"] == "6047000000000010";
    EXPECT_TRUE(card);
    ASSERT_FALSE(j["receipts"].empty());
    EXPECT_EQ(j["receipts"].back()["receipt_id"], "EXPORT-R-1");
    EXPECT_EQ(j["receipts"].back()["lines"][0][3], 12'345);
    ASSERT_EQ(j["partner_sales"].size(), 1u);
    EXPECT_EQ(j["partner_sales"][0]["sale_id"], "EXPORT-S-1");
    EXPECT_EQ(j["partner_sales"][0]["partner_name"], "Synoptik");
    EXPECT_EQ(j["marketing_choices"]["by_sms"], 0);
    bool session = false;
    for (const auto& s : j["sessions"]) session = session || s["device"] == "Export test phone";
    EXPECT_TRUE(session);
    bool bonus_account = false;
    for (const auto& a : j["ledger_accounts"])
        if (a["kind"] == "household_bonus")
            bonus_account = a["balance"] == 123 + 5'000 && a["entries"].size() == 2;
    EXPECT_TRUE(bonus_account) << j["ledger_accounts"].dump();

    // No secret of the member's is in it (R_PRIV_5): not the stored hashes, not the password.
    std::string dump = j.dump();
    EXPECT_EQ(dump.find("123456\""), std::string::npos);
    auto c = app_->db->Read();
    for (const auto& sql :
         {"SELECT password_hash FROM accounts WHERE member_id = $1 AND password_hash IS NOT NULL",
          "SELECT s.token_hash FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE "
          "a.member_id = $1",
          "SELECT p.national_id_hash FROM persons p JOIN members m ON m.person_id = p.id WHERE m.id = $1"})
        for (const auto& r : c->Query(sql, {store::Int(member_id)}))
            if (!r.IsNull(0)) {
                EXPECT_EQ(dump.find(r.Text(0)), std::string::npos) << sql;
            }
}

TEST_P(DataExportTest, CustomerServiceExportIsAudited_R_PRIV_4) {
    DataExport exporter(*app_->db, app_->clock);
    auto out = exporter.ForMemberNumber("33216744", "service_agent:session:abc");
    ASSERT_TRUE(IsOk(out));
    EXPECT_EQ(out->at("membership").at("member_number"), "33216744");
    EXPECT_TRUE(test::Fails(exporter.ForMember(0), core::ErrorCode::kNotFound));
    auto c = app_->db->Read();
    EXPECT_EQ(c->QueryOne("SELECT COUNT(*) FROM audit_log WHERE action = 'data_export' AND actor = "
                          "'service_agent:session:abc'")
                  ->Int(0),
              1);
    EXPECT_TRUE(test::Fails(exporter.ForMemberNumber("33216745", "x"), core::ErrorCode::kMalformed));
    EXPECT_TRUE(test::Fails(exporter.ForMemberNumber("99999995", "x"), core::ErrorCode::kNotFound));
}

INSTANTIATE_TEST_SUITE_P(Engines, DataExportTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
