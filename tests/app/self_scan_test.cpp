// Self-scanning (issue 9 §2, R_SCAN_1..5) on SQLite and PostgreSQL over the demo (dk-odense-1, no-bergen-1
// and se-umea-1 offer it) and its catalogue, with TestApp's clock (2026-11-23): who may scan, at the age's
// edge; deactivation and revocation with a reason; every item registered (R_SCAN_2); a session priced with
// the member's offers that becomes a receipt; an audit whose count applies and whose discrepancy raises the
// next chance. The audit policy is set per test (never audited, always audited, or the configured function).
#include <gtest/gtest.h>

#include "app/demo/generator.hpp"
#include "app/self_scan/self_scan_service.hpp"
#include "app/service_test_support.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using core::ErrorCode;
using test::Fails;
using test::IsOk;

constexpr const char* kMilk = "5700000000011";    // 12.95
constexpr const char* kApples = "5700000000097";  // 20.00 per kg
constexpr const char* kCoffee = "5700000000172";  // 49.95

class SelfScanTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        SeedDemoCatalogue(*app_->db, app_->config.markets, app_->clock);
        auto c = app_->db->Read();
        member_ = c->QueryOne("SELECT id FROM members WHERE member_number = '33216744'")->Int(0);
        card_ = c->QueryOne("SELECT card_number FROM cards WHERE member_id = $1 AND status = 'active'",
                            {store::Int(member_)})
                    ->Text(0);
        odense_ = c->QueryOne("SELECT id FROM stores WHERE code = 'dk-odense-1'")->Int(0);
        roskilde_ = c->QueryOne("SELECT id FROM stores WHERE code = 'dk-roskilde-1'")->Int(0);
        umea_ = c->QueryOne("SELECT id FROM stores WHERE code = 'se-umea-1'")->Int(0);
        Policy(0, 0);
    }
    void TearDown() override {
        if (app_) test::ExpectLedgerClean(*app_->db);
    }
    void Policy(int64_t base, int64_t step, int64_t cap = 1'000'000) {
        core::AuditPolicy p;
        p.base_ppm = base;
        p.step_ppm = step;
        p.cap_ppm = cap;
        svc_ = std::make_unique<SelfScanService>(*app_->db, app_->clock, app_->config.markets, *app_->offers,
                                                 *app_->receipts, p);
    }
    // The card of a participant born on that day in the household of a new Swedish member of Umeå (R_HH_2:
    // participants from 10, so a 17-year-old can hold a card).
    std::string SwedishCard(int year, int month, int day) {
        auto person = [&](int y, int m, int d) {
            RegisterInput in;
            in.market = "se";
            in.national_id = test::Personnummer(y, m, d, 100 + serial_++);
            in.first_name = "Test";
            in.last_name = "Skannare";
            in.contact.street = "Storgatan 1";
            in.contact.postal_code = "903 26";
            in.contact.city = "Umeå";
            in.home_store_code = "se-umea-1";
            in.share_paid_minor = 10000;
            return in;
        };
        if (!owner_) {
            auto r = app_->membership->Register(person(1980, 5, 17), "test");
            EXPECT_TRUE(IsOk(r));
            if (!r) return "";
            owner_ = *r->member.member_number;
        }
        ParticipantInput p;
        p.person = person(year, month, day);
        p.person->share_paid_minor = 0;
        auto added = app_->membership->AddParticipant(*owner_, p, "test");
        EXPECT_TRUE(IsOk(added));
        auto c = app_->db->Read();
        return c->QueryOne("SELECT card_number FROM cards ORDER BY id DESC LIMIT 1")->Text(0);
    }
    ScanSession Started() {
        auto s = svc_->Start(odense_, card_, "hand_scanner");
        EXPECT_TRUE(IsOk(s));
        return s ? *s : ScanSession{};
    }
    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<SelfScanService> svc_;
    int64_t member_ = 0, odense_ = 0, roskilde_ = 0, umea_ = 0;
    int serial_ = 0;
    std::optional<std::string> owner_;
    std::string card_;
    const ScanAccess store_{std::nullopt, std::nullopt};
};

TEST_P(SelfScanTest, MembersOf18OrMoreInAStoreThatOffersIt_R_SCAN_1) {
    std::string eighteen = SwedishCard(2008, 11, 23);   // 18 today
    std::string seventeen = SwedishCard(2008, 11, 24);  // 18 tomorrow
    EXPECT_TRUE(IsOk(svc_->Start(umea_, eighteen, "hand_scanner")));
    EXPECT_TRUE(Fails(svc_->Start(umea_, seventeen, "hand_scanner"), ErrorCode::kRuleRefused, "R_SCAN_1"));
    EXPECT_TRUE(Fails(svc_->Start(roskilde_, card_, "hand_scanner"), ErrorCode::kRuleRefused, "R_SCAN_1"));
    // A customer with a profile is not a member.
    auto profile = app_->RegisterDanishProfile();
    ASSERT_FALSE(profile.cards.empty());
    EXPECT_TRUE(Fails(svc_->Start(odense_, profile.cards[0].card_number, "hand_scanner"),
                      ErrorCode::kRuleRefused, "R_SCAN_1"));
    // A store offers it when the back office says so.
    ASSERT_TRUE(IsOk(svc_->SetStore("dk-roskilde-1", true)));
    EXPECT_TRUE(IsOk(svc_->Start(roskilde_, card_, "hand_scanner")));
    EXPECT_TRUE(
        Fails(svc_->Start(odense_, card_, "hand_scanner"), ErrorCode::kConflict));  // one open at a time
    EXPECT_TRUE(Fails(svc_->Start(odense_, "6047999999999999", "hand_scanner"), ErrorCode::kNotFound));
}

TEST_P(SelfScanTest, CustomerServiceDeactivatesAndOnlyTheOperatorRevokes_R_SCAN_5) {
    EXPECT_TRUE(svc_->Right("33216744")->allowed);
    EXPECT_TRUE(Fails(svc_->SetRight("33216744", "deactivated", "", "agent", false), ErrorCode::kInvalid));
    auto off =
        svc_->SetRight("33216744", "deactivated", "the member asked by phone", "service_agent:7", false);
    ASSERT_TRUE(IsOk(off));
    EXPECT_FALSE(off->allowed);
    EXPECT_EQ(off->reason, "the member asked by phone");
    EXPECT_TRUE(Fails(svc_->Start(odense_, card_, "hand_scanner"), ErrorCode::kRuleRefused, "R_SCAN_5"));
    ASSERT_TRUE(IsOk(svc_->SetRight("33216744", "active", "asked again", "service_agent:7", false)));
    EXPECT_TRUE(svc_->Right("33216744")->allowed);

    EXPECT_TRUE(Fails(svc_->SetRight("33216744", "revoked", "review", "service_agent:7", false),
                      ErrorCode::kRuleRefused, "R_SCAN_5"));
    ASSERT_TRUE(IsOk(
        svc_->SetRight("33216744", "revoked", "review 2026-41: repeated unscanned items", "admin:1", true)));
    EXPECT_TRUE(Fails(svc_->Start(odense_, card_, "hand_scanner"), ErrorCode::kRuleRefused, "R_SCAN_5"));
    EXPECT_TRUE(Fails(svc_->SetRight("33216744", "active", "please", "service_agent:7", false),
                      ErrorCode::kRuleRefused, "R_SCAN_5"));
    ASSERT_TRUE(IsOk(svc_->SetRight("33216744", "active", "review closed", "admin:1", true)));
    EXPECT_TRUE(IsOk(svc_->Start(odense_, card_, "hand_scanner")));
}

TEST_P(SelfScanTest, ASessionIsPricedWithTheMembersOffersAndBecomesAReceipt_R_SCAN_2) {
    OfferInput milk;
    milk.code = "milk-price";
    milk.market = "dk";
    milk.title = "Medlemspris";
    milk.kind = "member_price";
    milk.target_kind = "products";
    milk.eans = {kMilk};
    milk.member_price_minor = 995;
    milk.valid_from = "2026-11-01";
    milk.valid_to = "2026-11-30";
    ASSERT_TRUE(IsOk(app_->offers->Create(milk, "test")));

    auto s = Started();
    ASSERT_TRUE(IsOk(svc_->AddItem(s.key, store_, kMilk, 1)));
    ASSERT_TRUE(IsOk(svc_->AddItem(s.key, store_, kMilk, 1)));  // the same product again: one line, 2 units
    ASSERT_TRUE(IsOk(svc_->AddItem(s.key, store_, kCoffee, 1)));
    ASSERT_TRUE(IsOk(svc_->AddItem(s.key, store_, kApples, 1234)));
    auto removed = svc_->RemoveItem(s.key, store_, kCoffee);
    ASSERT_TRUE(IsOk(removed));
    ASSERT_EQ(removed->items.size(), 2u);
    EXPECT_EQ(removed->items[0].quantity, 2);
    EXPECT_EQ(removed->total_minor, 2 * 1295 + 2468);  // 1 234 g at 20.00/kg

    auto done = svc_->Finish(s.key, store_, "card");
    ASSERT_TRUE(IsOk(done));
    EXPECT_EQ(done->session.status, "completed");
    EXPECT_EQ(done->session.audit_selected, false);
    EXPECT_EQ(done->quote.priced.discount_minor, 600);  // the member price applies
    ASSERT_TRUE(done->receipt.has_value());
    EXPECT_EQ(done->receipt->receipt.total_minor, 2 * 1295 + 2468 - 600);
    EXPECT_EQ(done->session.receipt_id, "self-scan-" + std::to_string(s.id));
    EXPECT_TRUE(Fails(svc_->AddItem(s.key, store_, kMilk, 1), ErrorCode::kConflict));
    EXPECT_TRUE(Fails(svc_->Finish(s.key, store_, "card"), ErrorCode::kConflict));
    EXPECT_EQ(app_->offers->Report("milk-price")->counts.redemptions, 1);
}

TEST_P(SelfScanTest, BadScansGetClearErrors) {
    auto s = Started();
    EXPECT_TRUE(Fails(svc_->AddItem(s.key, store_, "5700000000012", 1), ErrorCode::kInvalid));  // check digit
    EXPECT_TRUE(
        Fails(svc_->AddItem(s.key, store_, "7350000000016", 1), ErrorCode::kNotFound));  // a Swedish one
    EXPECT_TRUE(Fails(svc_->AddItem(s.key, store_, kMilk, 0), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(svc_->RemoveItem(s.key, store_, kMilk), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(svc_->Finish(s.key, store_, "card"), ErrorCode::kInvalid));  // nothing scanned
    EXPECT_TRUE(Fails(svc_->Finish(s.key, store_, "bonus"), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(svc_->Get(s.key, {umea_, std::nullopt}), ErrorCode::kNotFound));  // another store's
    EXPECT_TRUE(Fails(svc_->Get("ss_nothing", store_), ErrorCode::kNotFound));
    auto cancelled = svc_->Cancel(s.key, {std::nullopt, member_});
    ASSERT_TRUE(IsOk(cancelled));
    EXPECT_EQ(cancelled->status, "cancelled");
}

TEST_P(SelfScanTest, AnAuditsCountAppliesAndItsDiscrepancyRaisesTheNextChance_R_SCAN_3_R_SCAN_4) {
    Policy(1'000'000, 0);  // every session is audited
    auto s = Started();
    ASSERT_TRUE(IsOk(svc_->AddItem(s.key, store_, kMilk, 1)));
    auto done = svc_->Finish(s.key, store_, "card");
    ASSERT_TRUE(IsOk(done));
    EXPECT_EQ(done->session.status, "awaiting_audit");
    EXPECT_FALSE(done->receipt.has_value());
    auto waiting = svc_->AwaitingAudit(odense_);
    ASSERT_TRUE(IsOk(waiting));
    ASSERT_EQ(waiting->size(), 1u);
    EXPECT_TRUE(Fails(svc_->RecordAudit(s.key, umea_, {{kMilk, 1}}, "staff-1"), ErrorCode::kNotFound));

    // The staff find a coffee that was not scanned: the audit's sum applies (R_SCAN_3).
    auto audited = svc_->RecordAudit(s.key, odense_, {{kMilk, 1}, {kCoffee, 1}}, "staff-1");
    ASSERT_TRUE(IsOk(audited));
    EXPECT_EQ(audited->session.status, "completed");
    EXPECT_EQ(audited->session.discrepancy_minor, 4995);
    ASSERT_TRUE(audited->receipt.has_value());
    EXPECT_EQ(audited->receipt->receipt.total_minor, 1295 + 4995);
    EXPECT_TRUE(svc_->AwaitingAudit(odense_)->empty());
    EXPECT_TRUE(Fails(svc_->RecordAudit(s.key, odense_, {{kMilk, 1}}, "staff-1"), ErrorCode::kConflict));

    // R_SCAN_4: with the configured function the next session's chance is the base plus one step.
    Policy(20'000, 100'000, 600'000);
    auto next = Started();
    ASSERT_TRUE(IsOk(svc_->AddItem(next.key, store_, kMilk, 1)));
    auto second = svc_->Finish(next.key, store_, "card");
    ASSERT_TRUE(IsOk(second));
    EXPECT_EQ(second->session.audit_probability_ppm, 120'000);
    // A half-life later it weighs half.
    app_->clock.Advance(std::chrono::hours(24 * 180));
    if (second->session.status == "awaiting_audit") {  // the count agrees: no discrepancy is added
        ASSERT_TRUE(IsOk(svc_->RecordAudit(next.key, odense_, {{kMilk, 1}}, "staff-1")));
    }
    auto third = Started();
    ASSERT_TRUE(IsOk(svc_->AddItem(third.key, store_, kMilk, 1)));
    auto later = svc_->Finish(third.key, store_, "card");
    ASSERT_TRUE(IsOk(later));
    EXPECT_EQ(later->session.audit_probability_ppm, 70'000);
}

INSTANTIATE_TEST_SUITE_P(Engines, SelfScanTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
