// The weekly choice of personal offers (`andel jobs run personalise`; issue 6 §4, R_OFF_3, R_PRIV_2) on
// SQLite and PostgreSQL over the demo dataset and catalogue, with TestApp's fixed clock (Monday 2026-11-23):
// members who consented to "personalised_offers" get offers from the pool chosen by their purchases; others
// get none; a withdrawn consent removes the job's selections at the next run and leaves the back office's;
// a second run in the same week changes nothing.
#include "app/offers/personalise_service.hpp"

#include <gtest/gtest.h>

#include "app/demo/generator.hpp"
#include "app/jobs/job_lease.hpp"
#include "app/offers/offer_service.hpp"
#include "app/privacy/consent.hpp"
#include "app/service_test_support.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using test::IsOk;

constexpr const char* kMilk = "5700000000011";    // Mejeri > Mælk
constexpr const char* kCoffee = "5700000000172";  // Kolonial > Kaffe og te
constexpr const char* kApples = "5700000000097";  // Frugt og grønt > Frugt

class PersonaliseServiceTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        SeedDemoCatalogue(*app_->db, app_->config.markets, app_->clock);
        consents_ = std::make_unique<ConsentService>(*app_->db, app_->clock);
        auto c = app_->db->Read();
        store_ = c->QueryOne("SELECT id FROM stores WHERE code = 'dk-odense-1'")->Int(0);
        for (const auto& r : c->Query(
                 "SELECT m.id, m.member_number FROM members m WHERE m.market = 'dk' AND m.kind = 'member' "
                 "AND "
                 "m.status = 'active' AND m.member_number IS NOT NULL ORDER BY m.member_number = '33216744' "
                 "DESC, m.id LIMIT 3"))
            members_.push_back({r.Int(0), r.Text(1)});
        ASSERT_EQ(members_.size(), 3u);
        fruit_ = c->QueryOne(
                      "SELECT code FROM catalogue_categories WHERE market = 'dk' AND name = 'Frugt og grønt'")
                     ->Text(0);
        Offer("p-milk", "products", kMilk);
        Offer("p-coffee", "products", kCoffee);
        Offer("p-fruit", "category", fruit_);                             // a category above the apples' own
        Offer("p-later", "products", kMilk, "2026-12-01", "2026-12-31");  // scheduled: in the pool too
        Offer("p-ended", "products", kMilk, "2026-10-01", "2026-11-22");  // ended: not
        Offer("p-unused", "products", "5700000000028");                   // nobody bought skimmed milk
    }
    void TearDown() override {
        if (app_) test::ExpectLedgerClean(*app_->db);
    }
    void Offer(const std::string& code, const std::string& target, const std::string& what,
               const std::string& from = "2026-11-01", const std::string& to = "2026-11-30") {
        OfferInput in;
        in.code = code;
        in.market = "dk";
        in.title = code;
        in.kind = "percent_off";
        in.percent_bp = 1000;
        in.target_kind = target;
        if (target == "products")
            in.eans = {what};
        else
            in.category = what;
        in.audience = "personal";
        in.valid_from = from;
        in.valid_to = to;
        ASSERT_TRUE(IsOk(app_->offers->Create(in, "test")));
    }
    // A receipt of these products for the member `days_ago` days before the clock.
    void Bought(size_t member, int days_ago, const std::vector<std::string>& eans) {
        ReceiptInput in;
        in.receipt_id = "r-" + std::to_string(++receipts_);
        in.till = "till-1";
        in.occurred_at = app_->clock.Now() - std::chrono::hours(24 * days_ago);
        in.member_number = members_[member].second;
        int64_t total = 0;
        for (const auto& ean : eans) {
            in.lines.push_back({ean, "groceries", 1, 2000, 0});
            total += 2000;
        }
        in.tenders.push_back({"card", total});
        in.body_hash = in.receipt_id;
        ASSERT_TRUE(IsOk(app_->receipts->Post(store_, in, "till")));
    }
    void Consent(size_t member, bool given) {
        ASSERT_TRUE(IsOk(consents_->Set(members_[member].first, PersonaliseService::kPurpose, given, "app",
                                        "personalisation-2026-1", "member")));
    }
    // The member's assignments as "code:source", sorted by code.
    std::vector<std::string> Assigned(size_t member) {
        std::vector<std::string> out;
        auto c = app_->db->Read();
        for (const auto& r :
             c->Query("SELECT o.code, a.source FROM offer_assignments a JOIN offers o ON o.id = "
                      "a.offer_id WHERE a.member_id = $1 ORDER BY o.code",
                      {store::Int(members_[member].first)}))
            out.push_back(r.Text(0) + ":" + r.Text(1));
        return out;
    }
    PersonaliseReport Run() {
        PersonaliseService job(*app_->db, app_->clock, app_->config.markets);
        auto r = job.Run();
        EXPECT_TRUE(IsOk(r));
        return r.ok() ? *r : PersonaliseReport{};
    }
    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<ConsentService> consents_;
    int64_t store_ = 0;
    std::vector<std::pair<int64_t, std::string>> members_;
    std::string fruit_;
    int receipts_ = 0;
};

// R_OFF_3, R_PRIV_2: a member who consented gets the pool's offers on what they buy (a category offer through
// the catalogue's tree, a scheduled offer too, not an ended one); a member who did not gets none, whatever
// they buy; and different purchases give different offers.
TEST_P(PersonaliseServiceTest, ConsentGivenGetsSelectionsAndNoConsentNone_R_OFF_3_R_PRIV_2) {
    Bought(0, 3, {kMilk, kApples});
    Bought(0, 10, {kMilk});
    Bought(1, 2, {kCoffee});
    Bought(2, 2, {kMilk, kCoffee, kApples});  // no consent
    Consent(0, true);
    Consent(1, true);
    Consent(2, false);
    auto r = Run();
    EXPECT_EQ(r.week, "2026-11-23");
    EXPECT_EQ(r.pool, 5);  // p-milk, p-coffee, p-fruit, p-later, p-unused
    EXPECT_EQ(r.selected, 4);
    EXPECT_EQ(Assigned(0),
              (std::vector<std::string>{"p-fruit:personalise", "p-later:personalise", "p-milk:personalise"}));
    EXPECT_EQ(Assigned(1), (std::vector<std::string>{"p-coffee:personalise"}));
    EXPECT_TRUE(Assigned(2).empty());  // R_PRIV_2: generic offers only
    // The member sees a chosen offer among their offers.
    auto mine = app_->offers->ForMember(members_[1].first);
    ASSERT_TRUE(IsOk(mine));
    bool coffee = false;
    for (const auto& o : *mine) coffee |= o.offer.record.code == "p-coffee";
    EXPECT_TRUE(coffee);
}

// R_PRIV_2: when the consent is withdrawn, the next run removes the job's selections; a personal offer the
// back office assigned stays.
TEST_P(PersonaliseServiceTest, RevokedConsentRemovesSelectionsNextRunBackofficeStays_R_PRIV_2) {
    Bought(0, 3, {kMilk, kCoffee});
    Consent(0, true);
    Run();
    EXPECT_EQ(Assigned(0), (std::vector<std::string>{"p-coffee:personalise", "p-later:personalise",
                                                     "p-milk:personalise"}));
    ASSERT_TRUE(IsOk(app_->offers->Assign("p-unused", {members_[0].second}, "backoffice")));
    Consent(0, false);
    auto r = Run();
    EXPECT_EQ(r.revoked, 3);
    EXPECT_EQ(r.selected, 0);
    EXPECT_EQ(Assigned(0), (std::vector<std::string>{"p-unused:backoffice"}));
    Consent(0, true);  // given again: chosen again
    EXPECT_EQ(Run().selected, 3);
}

// R_OFF_3: a second run in the same week changes nothing, even after a purchase this week (the week's choice
// is made from the receipts before its Monday); a later week's choice replaces the job's selections no longer
// chosen.
TEST_P(PersonaliseServiceTest, SecondRunSameWeekChangesNothing_R_OFF_3) {
    Bought(0, 3, {kMilk});
    Consent(0, true);
    auto first = Run();
    EXPECT_EQ(first.selected, 2);  // p-milk, p-later
    auto before = Assigned(0);
    app_->clock.Advance(std::chrono::hours(30));
    Bought(0, 0, {kCoffee});  // this week
    auto second = Run();
    EXPECT_EQ(second.selected, 0);
    EXPECT_EQ(second.withdrawn, 0);
    EXPECT_EQ(second.revoked, 0);
    EXPECT_EQ(Assigned(0), before);

    // The next week, one offer per member: coffee (bought 5 days before that Monday) outweighs milk (10
    // days); the job's selections no longer chosen are withdrawn.
    PersonaliseOptions one;
    one.offers_per_member = 1;
    one.params.cooccurrence_weight = 0;
    app_->clock.Advance(std::chrono::hours(24 * 6));
    PersonaliseService job(*app_->db, app_->clock, app_->config.markets, one);
    auto next = job.Run();
    ASSERT_TRUE(IsOk(next));
    EXPECT_EQ(next->week, "2026-11-30");
    EXPECT_EQ(next->selected, 1);
    EXPECT_EQ(next->withdrawn, 2);
    EXPECT_EQ(Assigned(0), (std::vector<std::string>{"p-coffee:personalise"}));
}

// The members the co-occurrence is learnt from have their histories kept from that pass; the others are read
// when scored: both are chosen for alike, whatever the batches.
TEST_P(PersonaliseServiceTest, MembersOutsideTheTrainingSampleAreChosenForToo_R_OFF_3) {
    Bought(0, 3, {kMilk, kApples});
    Bought(0, 10, {kMilk});
    Bought(1, 2, {kCoffee});
    Bought(2, 4, {kMilk});
    for (size_t m = 0; m < 3; ++m) Consent(m, true);
    PersonaliseOptions small;
    small.max_training_members = 2;  // every second member by id: two of the three
    small.batch = 2;
    PersonaliseService job(*app_->db, app_->clock, app_->config.markets, small);
    auto r = job.Run();
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r->members, 3);
    EXPECT_GT(r->training_baskets, 0);
    EXPECT_LT(r->training_baskets, 4);  // not every member's (4 receipts in all)
    EXPECT_EQ(Assigned(0),
              (std::vector<std::string>{"p-fruit:personalise", "p-later:personalise", "p-milk:personalise"}));
    EXPECT_EQ(Assigned(1), (std::vector<std::string>{"p-coffee:personalise"}));
    EXPECT_EQ(Assigned(2), (std::vector<std::string>{"p-later:personalise", "p-milk:personalise"}));
}

// A second node does not run the job while the first holds its lease.
TEST_P(PersonaliseServiceTest, OneNodeAtATime) {
    auto lease = JobLease::Take(*app_->db, "personalise", core::ToMillis(app_->clock.Now()), 60'000);
    ASSERT_TRUE(IsOk(lease));
    PersonaliseService job(*app_->db, app_->clock, app_->config.markets);
    EXPECT_TRUE(test::Fails(job.Run(), core::ErrorCode::kConflict));
    lease->Release(*app_->db);
    EXPECT_TRUE(IsOk(job.Run()));
}

INSTANTIATE_TEST_SUITE_P(Engines, PersonaliseServiceTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
