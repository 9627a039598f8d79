// R_PRIV_3 on SQLite and PostgreSQL: 12 months after a membership ended, `andel jobs run erasure` deletes or
// irreversibly anonymises the person's data in every table. The test gives one Swedish member data in every
// feature (registration and terms, a household with a participant, cards, a login with a session and codes,
// a re-login campaign, marketing choices, consents, receipts, a points-shop voucher, a partner sale, staff
// actions, messages), ends the membership, moves the clock 12 months on and then searches every text column
// of every table for any of the member's values: none may remain. The books stay: the ledger balances, and
// the receipts and the partner sale keep their amounts.
#include "app/privacy/erasure_job.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "app/auth/auth_service.hpp"
#include "app/auth/relogin_service.hpp"
#include "app/lifecycle/membership_ending.hpp"
#include "app/partners/partner_service.hpp"
#include "app/privacy/consent.hpp"
#include "app/privacy/data_export.hpp"
#include "app/privacy/marketing.hpp"
#include "app/service_test_support.hpp"
#include "app/transaction.hpp"
#include "http/test_app.hpp"
#include "notify/http_client.hpp"
#include "notify/outbox.hpp"
#include "store/membership/membership_repository.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using namespace std::chrono_literals;
using test::IsOk;

class ErasureJobTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        job_ = std::make_unique<ErasureJob>(*app_->db, app_->clock, app_->config.markets);
    }
    void TearDown() override {
        if (app_) test::ExpectLedgerClean(*app_->db);
    }
    RegisterInput Person(const std::string& first, const std::string& last, int serial, int year = 1931,
                         const std::string& city = "Glömstaby") {
        RegisterInput in;
        in.market = "se";
        in.national_id = test::Personnummer(year, 2, 17, serial);
        in.first_name = first;
        in.last_name = last;
        in.contact = {first + "." + last + "@example.org", "+4670" + std::to_string(5550000 + serial),
                      "Raderingsgränd " + std::to_string(serial), "903 99", city};
        in.home_store_code = "se-umea-1";
        in.share_paid_minor = 10'000;
        in.terms_version = "2026-1";
        return in;
    }
    // Every text column of every table, from the database's own catalogue.
    std::vector<std::pair<std::string, std::string>> TextColumns() {
        auto c = app_->db->Read();
        std::vector<std::pair<std::string, std::string>> out;
        if (c->engine() == store::Engine::kSqlite) {
            for (const auto& t :
                 c->Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
                for (const auto& col :
                     c->Query("SELECT name, type FROM pragma_table_info($1)", {store::Text(t.Text(0))}))
                    if (col.Text(1) == "TEXT") out.emplace_back(t.Text(0), col.Text(0));
        } else {
            for (const auto& r : c->Query(
                     "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
                     "current_schema() AND data_type IN ('text', 'character varying')"))
                out.emplace_back(r.Text(0), r.Text(1));
        }
        return out;
    }
    // "table.column" for each place `value` is found.
    std::vector<std::string> Find(const std::string& value) {
        std::vector<std::string> found;
        auto c = app_->db->Read();
        for (const auto& [table, column] : TextColumns())
            if (c->QueryOne("SELECT COUNT(*) FROM " + table + " WHERE " + column + " LIKE $1",
                            {store::Text("%" + value + "%")})
                    ->Int(0) > 0)
                found.push_back(table + "." + column);
        return found;
    }
    std::string LastCodeTo(const std::string& to) {
        auto c = app_->db->Read();
        auto items = notify::ListOutbox(*c, *app_->sealer, 0, 1, to);
        std::smatch m;
        std::string body = items.empty() ? std::string() : items.front().body;
        return std::regex_search(body, m, std::regex("([0-9]{6})")) ? m[1].str() : std::string();
    }
    int64_t Count(const std::string& sql, std::initializer_list<store::Value> params = {}) {
        auto c = app_->db->Read();
        return c->QueryOne(sql, params)->Int(0);
    }
    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<ErasureJob> job_;
};

TEST_P(ErasureJobTest, TwelveMonthsAfterTheEndNoPersonalValueRemainsInAnyTable_R_PRIV_3) {
    // The member: registered with terms, a household with a participant, a card.
    auto owner = app_->membership->Register(Person("Raderbar", "Glomskasson", 401), "test");
    ASSERT_TRUE(IsOk(owner));
    const std::string number = *owner->member.member_number;
    const int64_t member_id = owner->member.id;
    ParticipantInput add;
    add.person = Person("Arvid", "Efterkommare", 402, 1958, "Umeå");
    auto household = app_->membership->AddParticipant(number, add, "test");
    ASSERT_TRUE(IsOk(household));
    auto heir = app_->membership->Get(household->household->members.back().member_number.value_or(""));
    ASSERT_TRUE(IsOk(heir));
    auto extra = app_->membership->OrderCard(number, "test");
    ASSERT_TRUE(IsOk(extra));
    std::vector<std::string> cards{owner->cards.front().card_number, extra->card_number};
    ASSERT_TRUE(IsOk(app_->membership->ActivateCard(extra->card_number, "test")));
    ContactInput moved = Person("Raderbar", "Glomskasson", 401).contact;
    moved.street = "Flyttstigen 9";
    ASSERT_TRUE(IsOk(app_->membership->ChangeContact(number, moved, "test")));

    // Shopping: a receipt by card worth a voucher's points, the voucher, a partner sale.
    int64_t store_id;
    int64_t liseberg;
    {
        auto c = app_->db->Read();
        store_id = store::MembershipRepository(*c).FindStoreByCode("se-umea-1")->id;
        liseberg = c->QueryOne("SELECT id FROM partners WHERE code = 'se-liseberg'")->Int(0);
    }
    ASSERT_TRUE(IsOk(app_->receipts->Post(
        store_id, test::OneLineReceipt("ERASE-R-1", app_->clock.Now(), 1'500'000, cards[0], std::nullopt),
        "test")));
    ASSERT_TRUE(IsOk(app_->points_shop->Redeem(number, "se-vardecheck-200", "erase-key-1", "h1", "test")));
    PartnerSaleInput sale{"ERASE-S-1",           number,       "2026-11-20", "SEK",
                          {{"tickets", 50'000}}, std::nullopt, "api"};
    ASSERT_TRUE(IsOk(app_->partners->ReportSale(liseberg, sale, "test")));

    // Logins: a password, a login by SMS code (a challenge, a message, a session), a re-login campaign.
    ASSERT_TRUE(IsOk(app_->auth->SeedMemberPassword(number, "Glomska-Lösen-77")));
    auth::LoginRequest login;
    login.login = number;
    login.password = "Glomska-Lösen-77";
    login.device = "Raderbars telefon";
    login.client_address = "192.0.2.77";
    auto step = app_->auth->Login(login);
    ASSERT_TRUE(IsOk(step));
    ASSERT_TRUE(IsOk(app_->auth->Verify(step->challenge, LastCodeTo("+46705550401"), "192.0.2.77")));
    // Coopay: a method, activated in a BankID session, a code paid at the till and captured by its receipt.
    {
        notify::HttpRequest r;
        r.method = "POST";
        r.url = app_->psp->base_url() + "/v1/tokens";
        r.body = R"({"card_number": "4242424242424242"})";
        r.headers = {{"Authorization", "Bearer test-psp-key"}, {"Content-Type", "application/json"}};
        auto token = nlohmann::json::parse(notify::Fetch(r).body).at("token").get<std::string>();
        auto method = app_->coopay->AddMethod(member_id, token);
        ASSERT_TRUE(IsOk(method));
        auto bankid = InTransaction(*app_->db, [&](store::Connection& c) {
            return app_->auth->OpenSession(c, app_->auth->EnsureMemberAccount(c, member_id), "app", "bankid",
                                           "Raderbars telefon");
        });
        ASSERT_TRUE(IsOk(bankid));
        ASSERT_TRUE(IsOk(app_->coopay->Activate(member_id, method->id, bankid->public_id)));
        auto code = app_->coopay->IssueCode(member_id, bankid->public_id);
        ASSERT_TRUE(IsOk(code));
        ASSERT_TRUE(IsOk(app_->coopay->Redeem(store_id, {code->code, "ERASE-P-1", 4'200})));
        auto paid = test::OneLineReceipt("ERASE-P-1", app_->clock.Now(), 4'200, cards[0], std::nullopt);
        paid.tenders = {{"mobile", 4'200}};
        ASSERT_TRUE(IsOk(app_->receipts->Post(store_id, paid, "test")));
        http::SettleCoopay(*app_->services, store_id, paid);
    }
    auth::ReloginCampaignInput campaign;
    campaign.name = "erasure test wave";
    campaign.required_method = "bankid";
    auth::ReloginWaveInput wave;
    wave.share_percent = 100;
    wave.starts_at = app_->clock.Now() + 1h;
    wave.deadline_at = app_->clock.Now() + 10 * 24h;
    campaign.waves.push_back(wave);
    ASSERT_TRUE(IsOk(app_->relogin->Create("admin:test", campaign)));
    app_->clock.Set(test::Utc(2026, 11, 23, 13));  // the wave starts: the member is told
    auto relogin_run = app_->relogin->Run();
    ASSERT_TRUE(IsOk(relogin_run));
    EXPECT_GE(relogin_run->assigned, 1);

    // Choices and consents; customer service reads the member's data; the operator ends the membership.
    store::MarketingChoices choices;
    choices.post = false;
    ASSERT_TRUE(IsOk(app_->marketing->Set(member_id, choices, "test", false)));
    ConsentService consents(*app_->db, app_->clock);
    ASSERT_TRUE(IsOk(consents.Set(member_id, "personalised_offers", true, "app", "offers-2026-1", "test")));
    // An organisation's ordering portal shops for the member (R_OMB_10): its end-customer record names the
    // member number, and the order is delivered against it.
    auto portal = app_->SeedPortal();
    {
        PortalUser admin{portal.admin_account_id, portal.organisation_id, true, "test"};
        auto elsa = app_->portal->EndCustomer(admin, portal.elsa_id);
        ASSERT_TRUE(IsOk(elsa));
        EndCustomerInput in{elsa->customer.unit_id,
                            elsa->customer.name,
                            elsa->customer.street,
                            elsa->customer.postal_code,
                            elsa->customer.city,
                            elsa->customer.note,
                            "invoice",
                            "",
                            number,
                            true};
        ASSERT_TRUE(IsOk(app_->portal->UpdateEndCustomer(admin, portal.elsa_id, in)));
    }
    auto exported = DataExport(*app_->db, app_->clock).ForMemberNumber(number, "service_agent:t");
    ASSERT_TRUE(IsOk(exported));
    EXPECT_EQ((*exported)["portal_end_customers"].size(), 1u)
        << "the export shows where a portal shops for them";
    std::string national_id_hash;
    {
        auto c = app_->db->Read();
        national_id_hash = c->QueryOne("SELECT national_id_hash FROM persons WHERE id = $1",
                                       {store::Int(owner->member.person_id)})
                               ->Text(0);
    }
    MembershipEnding ending(*app_->db, app_->clock, app_->config.markets);
    auto ended = ending.End(number, true, "misuse reported about Raderbar Glomskasson", false, "admin:t");
    ASSERT_TRUE(IsOk(ended));
    ASSERT_EQ(ended->household, "handed_over");
    const std::vector<std::string> values = {
        "Raderbar",     "Glomskasson",    "Raderbar.Glomskasson@example.org",
        "+46705550401", "Flyttstigen 9",  "1931-02-17",
        "Glömstaby",    national_id_hash, number,
        cards[0],       cards[1],         "Raderbars telefon"};
    for (const auto& v : values) EXPECT_FALSE(Find(v).empty()) << v << " should be there before";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM payments WHERE receipt_key = 'ERASE-P-1' AND status = 'captured'"),
              1);
    const std::vector<std::string> deleted = {
        "payment_codes",     "coopay_activations", "cards",    "member_events", "consent_events",
        "marketing_choices", "terms_acceptances",  "accounts", "outbox",        "relogin_participants",
        "household_events"};
    auto rows = [&](const std::string& table) {
        return Count("SELECT COUNT(*) FROM " + table + " WHERE member_id = $1", {store::Int(member_id)});
    };
    for (const auto& t : deleted) EXPECT_GT(rows(t), 0) << t << " should hold the member's rows before";
    EXPECT_EQ(rows("portal_end_customers"), 1);

    // Ended 2026-11-23T13:00Z. One millisecond before 12 months: nothing; at 12 months: erased, once.
    app_->clock.Set(test::Utc(2027, 11, 23, 13) - 1ms);
    auto early = job_->Run(false);
    ASSERT_TRUE(IsOk(early));
    EXPECT_EQ(early->erased, 0);
    app_->clock.Set(test::Utc(2027, 11, 23, 13));
    auto dry = job_->Run(true);
    ASSERT_TRUE(IsOk(dry));
    EXPECT_EQ(dry->erased, 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM members WHERE erased_at IS NOT NULL"), 0)
        << "a dry run writes nothing";
    auto run = job_->Run(false);
    ASSERT_TRUE(IsOk(run));
    EXPECT_EQ(run->erased, 1);
    EXPECT_EQ(job_->Run(false)->erased, 0);

    for (const auto& v : values) {
        auto found = Find(v);
        std::string where;
        for (const auto& f : found) where += " " + f;
        EXPECT_TRUE(found.empty()) << v << " remains in" << where;
    }
    for (const auto& t : deleted) EXPECT_EQ(rows(t), 0) << t;
    // The organisation's record of the person it shops for stays, no longer linked to the member.
    EXPECT_EQ(rows("portal_end_customers"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM portal_end_customers WHERE id = $1", {store::Int(portal.elsa_id)}),
              1);
    // The heir keeps the household and their own data; the books keep the amounts, without identity.
    auto kept = app_->membership->Get(*heir->member.member_number);
    ASSERT_TRUE(IsOk(kept));
    EXPECT_EQ(kept->member.person.first_name, "Arvid");
    ASSERT_TRUE(kept->household);
    EXPECT_EQ(kept->household->owner_member_id, heir->member.id);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE receipt_key = 'ERASE-R-1' AND member_id IS NULL AND "
                    "total_minor = 1500000"),
              1);
    EXPECT_EQ(
        Count("SELECT COUNT(*) FROM partner_sales WHERE sale_key = 'ERASE-S-1' AND amount_minor = 50000"), 1);
    EXPECT_EQ(
        Count("SELECT COUNT(*) FROM payments WHERE receipt_key = 'ERASE-P-1' AND captured_minor = 4200 AND "
              "code_id IS NULL"),
        1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_methods WHERE member_id = $1 AND token_sealed <> ''",
                    {store::Int(member_id)}),
              0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'erased' AND subject_member_id = $1",
                    {store::Int(member_id)}),
              1);
    EXPECT_EQ(
        Count("SELECT COUNT(*) FROM members WHERE id = $1 AND member_number IS NULL AND erased_at IS NOT "
              "NULL",
              {store::Int(member_id)}),
        1);
    // The person may join again: their national id is free.
    auto again = app_->membership->Register(Person("Raderbar", "Glomskasson", 401), "test");
    EXPECT_TRUE(IsOk(again));
}

TEST_P(ErasureJobTest, ActiveMembershipsAndTheDemoMemberAreNeverErased_R_PRIV_3) {
    const int64_t before = Count("SELECT COUNT(*) FROM persons WHERE first_name <> ''");
    app_->clock.Set(test::Utc(2036, 1, 1));
    auto run = job_->Run(false);
    ASSERT_TRUE(IsOk(run));
    EXPECT_EQ(run->erased, 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM persons WHERE first_name <> ''"), before);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM members WHERE member_number = '33216744'"), 1);
}

// Anyone's message keeps its recipient and text for 90 days after it was written, then only the row stays;
// a message still waiting to be sent keeps both.
TEST_P(ErasureJobTest, MessagesLoseRecipientAndBodyAfter90Days_R_PRIV_3_R_PRIV_5) {
    const auto written = app_->clock.Now();
    auto enqueue = [&](const std::string& to) {
        return InTransaction(*app_->db, [&](store::Connection& c) {
            notify::OutgoingMessage m;
            m.channel = "sms";
            m.recipient = to;
            m.template_key = "login_code";
            m.language = "da";
            m.params = {{"code", "493817"}};
            return notify::Enqueue(c, *app_->sealer, m, written);
        });
    };
    auto sent = enqueue("+4520009001"), waiting = enqueue("+4520009002");
    ASSERT_TRUE(IsOk(sent));
    ASSERT_TRUE(IsOk(waiting));
    ASSERT_TRUE(IsOk(InTransaction(*app_->db, [&](store::Connection& c) -> core::Result<bool> {
        c.Execute("UPDATE outbox SET status = 'sent', sent_at = created_at WHERE id = $1",
                  {store::Int(*sent)});
        return true;
    })));
    auto kept = [&](int64_t id) {
        return Count("SELECT COUNT(*) FROM outbox WHERE id = $1 AND recipient <> '' AND sealed_body <> ''",
                     {store::Int(id)});
    };
    app_->clock.Set(written + std::chrono::hours(24 * kMessageRetentionDays));
    auto early = job_->Run(false);
    ASSERT_TRUE(IsOk(early));
    EXPECT_EQ(kept(*sent), 1) << "90 days to the millisecond: still kept";
    app_->clock.Set(written + std::chrono::hours(24 * kMessageRetentionDays) + 1ms);
    auto dry = job_->Run(true);
    ASSERT_TRUE(IsOk(dry));
    EXPECT_GE(dry->messages_emptied, 1);
    EXPECT_EQ(kept(*sent), 1) << "a dry run writes nothing";
    auto run = job_->Run(false);
    ASSERT_TRUE(IsOk(run));
    EXPECT_EQ(run->messages_emptied, dry->messages_emptied);
    EXPECT_EQ(kept(*sent), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE id = $1", {store::Int(*sent)}), 1) << "the row stays";
    EXPECT_EQ(kept(*waiting), 1) << "not sent yet";
    EXPECT_EQ(job_->Run(false)->messages_emptied, 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, ErasureJobTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
