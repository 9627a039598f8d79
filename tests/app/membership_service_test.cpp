// MembershipService on SQLite and PostgreSQL, with the shipped market configuration and a fixed clock
// (2026-11-23). Each test names the DOMAIN.md rules it checks.
#include "app/membership/membership_service.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <latch>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/config.hpp"
#include "app/demo/generator.hpp"
#include "app/service_test_support.hpp"
#include "core/membership/numbers.hpp"
#include "store/membership/membership_repository.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using test::Fails;
using test::IsOk;
using test::Personnummer;

using core::ErrorCode;
using core::Result;

constexpr const char* kActor = "test";

core::Timestamp Nov23() {
    using namespace std::chrono;
    return core::Timestamp(sys_days(year{2026} / November / 23)) + hours{10};
}

// The result is a refusal by rule `rule` (422, ErrorCode::kRuleRefused).
template <typename T>
::testing::AssertionResult Refused(const Result<T>& r, const std::string& rule) {
    if (r.ok()) return ::testing::AssertionFailure() << "succeeded; expected refusal by " << rule;
    if (r.error().code != ErrorCode::kRuleRefused || r.error().rule != rule)
        return ::testing::AssertionFailure()
               << "expected " << rule << ", got " << core::Describe(r.error().code).slug << " ["
               << r.error().rule << "]: " << r.error().detail;
    return ::testing::AssertionSuccess();
}

// "YYMMDD-NNNC": the same person written the short way.
std::string ShortForm(const std::string& personnummer) {
    return personnummer.substr(2, 6) + "-" + personnummer.substr(8);
}

// A Norwegian fødselsnummer DDMMYYIIICC born in 1900-1999 (individual number 000-499), with both mod-11
// check digits; the first valid individual number from `individual` on.
std::string Fodselsnummer(int year, int month, int day, int individual) {
    static const int k1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    static const int k2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    for (int ind = individual; ind < 500; ++ind) {
        char d[64];
        std::snprintf(d, sizeof d, "%02d%02d%02d%03d", day, month, year % 100, ind);
        int s1 = 0;
        for (int i = 0; i < 9; ++i) s1 += (d[i] - '0') * k1[i];
        int c1 = (11 - s1 % 11) % 11;
        if (c1 == 10) continue;
        d[9] = static_cast<char>('0' + c1);
        int s2 = 0;
        for (int i = 0; i < 10; ++i) s2 += (d[i] - '0') * k2[i];
        int c2 = (11 - s2 % 11) % 11;
        if (c2 == 10) continue;
        d[10] = static_cast<char>('0' + c2);
        d[11] = '\0';
        return d;
    }
    ADD_FAILURE() << "no valid fødselsnummer";
    return {};
}

// A member number with a valid check digit that no test hands out (bodies start at 1 000 000).
std::string UnusedMemberNumber() { return core::MemberNumberFromBody(9'999'999); }

// The same number with its last (check) digit changed.
std::string WrongCheckDigit(std::string number) {
    number.back() = static_cast<char>('0' + (number.back() - '0' + 1) % 10);
    return number;
}

class MembershipServiceTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        auto config =
            LoadConfig(test::SourcePath("config"),
                       [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
        ASSERT_TRUE(IsOk(config));
        markets_ = config->markets;
        ASSERT_TRUE(markets_.contains("se") && markets_.contains("no") && markets_.contains("dk"));
        db_ = test::FreshDatabase(GetParam());
        EnsureReferenceData(*db_, markets_, core::ToMillis(clock_.Now()));
        service_ = std::make_unique<MembershipService>(*db_, clock_, markets_, config->national_id_key);
    }

    // A Swedish adult with a fresh personnummer (born on the given date).
    RegisterInput Se(int year = 1980, int month = 5, int day = 17) {
        return Se(Personnummer(year, month, day, next_serial_++));
    }
    RegisterInput Se(const std::string& national_id) {
        RegisterInput in;
        in.market = "se";
        in.national_id = national_id;
        in.first_name = "Förnamn" + std::to_string(next_name_);
        in.last_name = "Efternamn" + std::to_string(next_name_++);
        in.contact.street = "Storgatan 1";
        in.contact.postal_code = "722 11";
        in.contact.city = "Västerås";
        in.home_store_code = "se-vasteras-1";
        in.share_paid_minor = 10000;  // 100 SEK (R_MEM_4)
        return in;
    }
    RegisterInput No(int year, int month, int day) {
        RegisterInput in = Se("");
        in.market = "no";
        in.national_id = Fodselsnummer(year, month, day, next_serial_++ % 400);
        in.home_store_code = "no-bergen-1";
        in.contact.city = "Bergen";
        return in;
    }
    // A registered member; fails the test if registration fails.
    MemberView Register(const RegisterInput& in) {
        auto r = service_->Register(in, kActor);
        EXPECT_TRUE(IsOk(r));
        if (!r.ok()) throw std::runtime_error("registration failed");
        return *r;
    }
    ParticipantInput NewParticipant(RegisterInput person) {
        ParticipantInput p;
        person.share_paid_minor = 0;
        person.home_store_code.clear();  // the owner's
        p.person = std::move(person);
        return p;
    }
    ParticipantInput Existing(const MemberView& m) {
        ParticipantInput p;
        p.member_number = *m.member.member_number;
        return p;
    }

    int64_t Count(const std::string& table) {
        auto c = db_->Read();
        return c->QueryOne("SELECT COUNT(*) FROM " + table)->Int(0);
    }
    // Rows of everything a registration writes.
    std::vector<int64_t> Rows() {
        std::vector<int64_t> out;
        for (const char* t : {"persons", "members", "cards", "households", "household_members",
                              "household_events", "member_events", "terms_acceptances"})
            out.push_back(Count(t));
        return out;
    }
    std::vector<store::MemberEventRecord> Events(const MemberView& m) {
        auto c = db_->Read();
        return store::MembershipRepository(*c).ListEvents(m.member.id, 100);
    }
    int64_t HouseholdEvents(const std::string& kind) {
        auto c = db_->Read();
        return c->QueryOne("SELECT COUNT(*) FROM household_events WHERE kind = $1", {store::Text(kind)})
            ->Int(0);
    }
    MemberView Reload(const MemberView& m) {
        auto r = service_->GetById(m.member.id);
        EXPECT_TRUE(IsOk(r));
        return *r;
    }

    core::FixedClock clock_{Nov23()};
    std::map<std::string, core::MarketRules> markets_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<MembershipService> service_;
    int next_serial_ = 100;
    int next_name_ = 1;
};

// --- Registration ---------------------------------------------------------------------------------------

TEST_P(MembershipServiceTest, RegistersSwedishMemberWithNumberCardAndHousehold_R_MEM_4_R_MEM_6_R_HH_1) {
    std::string pnr = Personnummer(1980, 5, 17, 42);
    RegisterInput in = Se(pnr);
    in.contact.email = "astrid@example.se";
    in.contact.phone = "+46701234567";
    auto r = service_->Register(in, kActor);
    ASSERT_TRUE(IsOk(r));
    const auto& m = r->member;
    ASSERT_TRUE(m.member_number);
    EXPECT_TRUE(core::IsValidMemberNumber(*m.member_number)) << *m.member_number;
    EXPECT_EQ(m.kind, "member");
    EXPECT_EQ(m.status, "active");
    EXPECT_EQ(m.market, "se");
    EXPECT_EQ(m.share_paid_minor, 10000);
    EXPECT_EQ(m.share_paid_at, core::ToMillis(clock_.Now()));
    EXPECT_EQ(m.joined_at, core::ToMillis(clock_.Now()));
    EXPECT_FALSE(m.is_demo);
    EXPECT_EQ(m.person.birth_date, "1980-05-17");
    EXPECT_EQ(m.person.email, "astrid@example.se");
    // Only a keyed hash of the personnummer is stored (R_PRIV_5).
    ASSERT_TRUE(m.person.national_id_hash);
    EXPECT_EQ(m.person.national_id_hash->size(), 64u);
    EXPECT_EQ(m.person.national_id_hash->find(pnr.substr(2)), std::string::npos);
    EXPECT_EQ(r->age, 46);
    ASSERT_TRUE(r->home_store);
    EXPECT_EQ(r->home_store->code, "se-vasteras-1");
    ASSERT_TRUE(r->cooperative);
    EXPECT_EQ(r->cooperative->code, "se-malardalen");
    EXPECT_TRUE(r->cooperative_member);
    ASSERT_EQ(r->cards.size(), 1u);
    EXPECT_EQ(r->cards[0].status, "active");
    EXPECT_TRUE(core::IsValidCardNumber(r->cards[0].card_number));
    // A cooperative member owns a household from the start (R_HH_1).
    ASSERT_TRUE(r->household);
    EXPECT_EQ(r->household->owner_member_id, m.id);
    ASSERT_EQ(r->household->members.size(), 1u);
    EXPECT_EQ(r->household->members[0].role, "owner");
    EXPECT_EQ(m.household_role, "owner");
    EXPECT_FALSE(r->accepted_terms);

    auto events = Events(*r);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, "registered");
    EXPECT_EQ(events[0].actor, kActor);

    auto got = service_->Get(*m.member_number);
    ASSERT_TRUE(IsOk(got));
    EXPECT_EQ(got->member.id, m.id);

    MemberView second = Register(Se());
    EXPECT_NE(second.member.member_number, m.member_number);
    EXPECT_NE(second.cards[0].card_number, r->cards[0].card_number);
}

TEST_P(MembershipServiceTest, SameNationalIdTwiceIsRefusedAndNothingIsHalfWritten_R_MEM_5) {
    std::string pnr = Personnummer(1975, 3, 9, 321);
    MemberView first = Register(Se(pnr));
    auto before = Rows();

    // The same person, written the short way, with other names and an e-mail.
    RegisterInput again = Se(ShortForm(pnr));
    again.contact.email = "other@example.se";
    EXPECT_TRUE(Refused(service_->Register(again, kActor), "R_MEM_5"));
    EXPECT_EQ(Rows(), before);

    // A clash found only when the member row is written (a taken member number) rolls the person back too.
    RegisterInput taken = Se();
    taken.member_number = *first.member.member_number;
    EXPECT_TRUE(Fails(service_->Register(taken, kActor), ErrorCode::kConflict));
    EXPECT_EQ(Rows(), before);

    // A taken e-mail address: Conflict, nothing written.
    RegisterInput email = Se();
    email.contact.email = "other@example.se";
    Register(email);
    before = Rows();
    RegisterInput email_again = Se();
    email_again.contact.email = "other@example.se";
    EXPECT_TRUE(Fails(service_->Register(email_again, kActor), ErrorCode::kConflict));
    EXPECT_EQ(Rows(), before);
}

TEST_P(MembershipServiceTest, RefusesMemberUnder18_R_MEM_5) {
    auto before = Rows();
    // Born 2008-11-24: 17 today, 18 tomorrow.
    EXPECT_TRUE(Refused(service_->Register(Se(2008, 11, 24), kActor), "R_MEM_5"));
    EXPECT_TRUE(Refused(service_->Register(Se(2015, 1, 1), kActor), "R_MEM_5"));
    EXPECT_EQ(Rows(), before);
    // Born 2008-11-23: 18 today (the birthday counts).
    MemberView adult = Register(Se(2008, 11, 23));
    EXPECT_EQ(adult.age, 18);
}

TEST_P(MembershipServiceTest, RefusesShareBelow100Sek_R_MEM_4) {
    auto before = Rows();
    RegisterInput in = Se();
    in.share_paid_minor = 9999;
    EXPECT_TRUE(Refused(service_->Register(in, kActor), "R_MEM_4"));
    in.share_paid_minor = 0;
    EXPECT_TRUE(Refused(service_->Register(in, kActor), "R_MEM_4"));
    EXPECT_EQ(Rows(), before);
    in.share_paid_minor = 10000;
    MemberView m = Register(in);
    EXPECT_TRUE(m.cooperative_member);
}

TEST_P(MembershipServiceTest, UnknownHomeStoreIsInvalid422) {
    auto before = Rows();
    RegisterInput in = Se();
    in.home_store_code = "se-nowhere-1";
    auto r = service_->Register(in, kActor);
    ASSERT_TRUE(Fails(r, ErrorCode::kInvalid));
    EXPECT_EQ(core::Describe(r.error().code).status, 422);
    EXPECT_EQ(r.error().field, "home_store");
    // A store of another market is no home store for a Swedish member either.
    in.home_store_code = "dk-odense-1";
    EXPECT_TRUE(Fails(service_->Register(in, kActor), ErrorCode::kInvalid));
    EXPECT_EQ(Rows(), before);
}

TEST_P(MembershipServiceTest, ProfileHasNoNumberCardOrHousehold_R_MEM_1) {
    RegisterInput in = Se();
    in.kind = "profile";
    in.home_store_code.clear();
    in.share_paid_minor = 0;
    MemberView p = Register(in);
    EXPECT_EQ(p.member.kind, "profile");
    EXPECT_FALSE(p.member.member_number);
    EXPECT_TRUE(p.cards.empty());
    EXPECT_FALSE(p.household);
    EXPECT_FALSE(p.cooperative_member);
    auto till = service_->IdentifyByNationalId("se", in.national_id);
    ASSERT_TRUE(IsOk(till));
    EXPECT_FALSE(till->may_earn);
}

// --- Households ----------------------------------------------------------------------------------------

TEST_P(MembershipServiceTest, SwedishHouseholdTakes19ParticipantsAndRefusesThe20th_R_HH_3) {
    MemberView owner = Register(Se(1970, 1, 1));
    const std::string& number = *owner.member.member_number;
    for (int i = 0; i < 19; ++i) {
        auto r =
            service_->AddParticipant(number, NewParticipant(Se(1990 + i % 15, 1 + i % 12, 1 + i)), kActor);
        ASSERT_TRUE(IsOk(r)) << "participant " << i + 1;
        ASSERT_TRUE(r->household);
        EXPECT_EQ(r->household->members.size(), static_cast<size_t>(i + 2));
        EXPECT_EQ(r->household->members.front().member_id, owner.member.id);
    }
    auto before = Rows();
    EXPECT_TRUE(Refused(service_->AddParticipant(number, NewParticipant(Se(1995, 6, 6)), kActor), "R_HH_3"));
    EXPECT_EQ(Rows(), before);

    // Each participant is a member with their own number and card, at the owner's home store (R_HH_1).
    auto view = Reload(owner);
    const auto& last = view.household->members.back();
    EXPECT_EQ(last.role, "participant");
    auto participant = service_->Get(*last.member_number);
    ASSERT_TRUE(IsOk(participant));
    EXPECT_EQ(participant->member.household_id, owner.member.household_id);
    EXPECT_EQ(participant->member.household_role, "participant");
    ASSERT_EQ(participant->cards.size(), 1u);
    EXPECT_EQ(participant->cards[0].status, "active");
    EXPECT_EQ(participant->home_store->code, "se-vasteras-1");
    EXPECT_EQ(HouseholdEvents("added"), 19);
}

TEST_P(MembershipServiceTest, NorwegianOwnerNeedsNewLoginThenTakes9ParticipantsNot10_R_HH_8_R_HH_3) {
    MemberView owner = Register(No(1975, 2, 3));
    ASSERT_TRUE(owner.household);
    const std::string& number = *owner.member.member_number;
    auto before = Rows();
    EXPECT_TRUE(Refused(service_->AddParticipant(number, NewParticipant(No(1990, 4, 5)), kActor), "R_HH_8"));
    EXPECT_EQ(Rows(), before);

    {
        auto c = db_->Write();
        c->Execute("UPDATE members SET new_login_at = $1 WHERE id = $2",
                   {store::Int(core::ToMillis(clock_.Now())), store::Int(owner.member.id)});
    }
    for (int i = 0; i < 9; ++i) {
        auto r = service_->AddParticipant(number, NewParticipant(No(1980 + i, 1 + i, 10 + i)), kActor);
        ASSERT_TRUE(IsOk(r)) << "participant " << i + 1;
        EXPECT_EQ(r->household->members.size(), static_cast<size_t>(i + 2));
    }
    before = Rows();
    EXPECT_TRUE(Refused(service_->AddParticipant(number, NewParticipant(No(1985, 7, 7)), kActor), "R_HH_3"));
    EXPECT_EQ(Rows(), before);
}

TEST_P(MembershipServiceTest, RefusesSwedishParticipantAgedNine_R_HH_2) {
    MemberView owner = Register(Se(1970, 1, 1));
    const std::string& number = *owner.member.member_number;
    auto before = Rows();
    // Born 2016-11-24: 9 today.
    EXPECT_TRUE(
        Refused(service_->AddParticipant(number, NewParticipant(Se(2016, 11, 24)), kActor), "R_HH_2"));
    EXPECT_EQ(Rows(), before);
    // Born 2016-11-23: 10 today.
    auto ten = service_->AddParticipant(number, NewParticipant(Se(2016, 11, 23)), kActor);
    ASSERT_TRUE(IsOk(ten));
    EXPECT_EQ(ten->household->members.size(), 2u);
}

TEST_P(MembershipServiceTest, RefusesMemberOfAnotherHousehold_R_HH_4) {
    MemberView a = Register(Se(1970, 1, 1));
    MemberView b = Register(Se(1971, 2, 2));
    MemberView c = Register(Se(1972, 3, 3));
    // b owns a household already.
    EXPECT_TRUE(Refused(service_->AddParticipant(*a.member.member_number, Existing(b), kActor), "R_HH_4"));
    // The owner cannot join their own household as a participant.
    EXPECT_TRUE(Refused(service_->AddParticipant(*a.member.member_number, Existing(a), kActor), "R_HH_4"));

    auto with_p = service_->AddParticipant(*a.member.member_number, NewParticipant(Se(2000, 1, 1)), kActor);
    ASSERT_TRUE(IsOk(with_p));
    std::string p_number = *with_p->household->members.back().member_number;
    ParticipantInput p;
    p.member_number = p_number;
    EXPECT_TRUE(Refused(service_->AddParticipant(*c.member.member_number, p, kActor), "R_HH_4"));

    // Once out of a's household, the participant may join c's.
    ASSERT_TRUE(IsOk(service_->RemoveParticipant(*a.member.member_number, p_number, kActor)));
    auto joined = service_->AddParticipant(*c.member.member_number, p, kActor);
    ASSERT_TRUE(IsOk(joined));
    EXPECT_EQ(joined->household->members.back().member_number, p_number);

    // A member of another market is not a participant here.
    MemberView norwegian = Register(No(1980, 1, 1));
    EXPECT_TRUE(Fails(service_->AddParticipant(*a.member.member_number, Existing(norwegian), kActor),
                      ErrorCode::kInvalid));
}

TEST_P(MembershipServiceTest, OwnerRemovesParticipantsMayLeaveOwnerCannot_R_HH_5) {
    MemberView owner = Register(Se(1970, 1, 1));
    const std::string& number = *owner.member.member_number;
    ASSERT_TRUE(IsOk(service_->AddParticipant(number, NewParticipant(Se(1990, 1, 1)), kActor)));
    auto added = service_->AddParticipant(number, NewParticipant(Se(1991, 1, 1)), kActor);
    ASSERT_TRUE(IsOk(added));
    std::string p1 = *added->household->members[1].member_number;
    std::string p2 = *added->household->members[2].member_number;

    // A participant neither adds nor removes.
    EXPECT_TRUE(Refused(service_->RemoveParticipant(p1, p2, kActor), "R_HH_5"));
    EXPECT_TRUE(Refused(service_->AddParticipant(p1, NewParticipant(Se(1992, 1, 1)), kActor), "R_HH_5"));

    auto removed = service_->RemoveParticipant(number, p1, kActor);
    ASSERT_TRUE(IsOk(removed));
    EXPECT_EQ(removed->household->members.size(), 2u);
    auto p1_view = service_->Get(p1);
    ASSERT_TRUE(IsOk(p1_view));
    EXPECT_FALSE(p1_view->member.household_id);
    EXPECT_FALSE(p1_view->household);
    EXPECT_EQ(HouseholdEvents("removed"), 1);
    // Removing someone who is not a participant of the household.
    EXPECT_TRUE(Fails(service_->RemoveParticipant(number, p1, kActor), ErrorCode::kNotFound));

    auto left = service_->LeaveHousehold(p2, kActor);
    ASSERT_TRUE(IsOk(left));
    EXPECT_FALSE(left->member.household_id);
    EXPECT_EQ(HouseholdEvents("left"), 1);
    EXPECT_EQ(Reload(owner).household->members.size(), 1u);
    EXPECT_TRUE(Fails(service_->LeaveHousehold(p2, kActor), ErrorCode::kNotFound));

    auto before = Rows();
    // The owner cannot leave (R_HH_5: only participants leave). core::AcceptLeaving names R_HH_4 in the
    // refusal (a household always has its one owner), as tests/core/membership_rules_test.cpp pins.
    EXPECT_TRUE(Refused(service_->LeaveHousehold(number, kActor), "R_HH_4"));
    EXPECT_EQ(Rows(), before);
    EXPECT_EQ(Reload(owner).member.household_role, "owner");
}

// --- Cards and identification --------------------------------------------------------------------------

TEST_P(MembershipServiceTest, BlockedCardStopsIdentifyingAndReplacementWorks_R_CARD_1) {
    MemberView m = Register(Se());
    std::string card = m.cards[0].card_number;
    ASSERT_TRUE(IsOk(service_->IdentifyByCard(card)));

    auto blocked = service_->BlockCard(card, "lost", kActor);
    ASSERT_TRUE(IsOk(blocked));
    EXPECT_EQ(blocked->status, "blocked");
    EXPECT_EQ(blocked->status_reason, "lost");
    EXPECT_TRUE(Fails(service_->IdentifyByCard(card), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(service_->BlockCard(card, "again", kActor), ErrorCode::kConflict));

    auto fresh = service_->ReplaceCard(card, "lost", kActor);
    ASSERT_TRUE(IsOk(fresh));
    EXPECT_EQ(fresh->status, "active");
    EXPECT_NE(fresh->card_number, card);
    EXPECT_TRUE(core::IsValidCardNumber(fresh->card_number));
    EXPECT_EQ(fresh->replaces_card_id, m.cards[0].id);
    EXPECT_EQ(fresh->member_id, m.member.id);
    auto till = service_->IdentifyByCard(fresh->card_number);
    ASSERT_TRUE(IsOk(till));
    EXPECT_EQ(till->member.member_id, m.member.id);
    EXPECT_TRUE(Fails(service_->IdentifyByCard(card), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(service_->ReplaceCard(card, "twice", kActor), ErrorCode::kConflict));

    auto view = Reload(m);
    ASSERT_EQ(view.cards.size(), 2u);
    EXPECT_EQ(view.cards[0].status, "replaced");
    EXPECT_EQ(view.cards[1].status, "active");

    auto events = Events(m);
    ASSERT_GE(events.size(), 3u);
    EXPECT_EQ(events[0].kind, "card_replaced");
    EXPECT_EQ(events[1].kind, "card_blocked");
    EXPECT_TRUE(Fails(service_->BlockCard("6047000000000000", "x", kActor), ErrorCode::kNotFound));
}

TEST_P(MembershipServiceTest, OrderCardTwiceIsConflict_R_MEM_7_R_CARD_1) {
    MemberView m = Register(Se());
    const std::string& number = *m.member.member_number;
    auto ordered = service_->OrderCard(number, kActor);
    ASSERT_TRUE(IsOk(ordered));
    EXPECT_EQ(ordered->status, "ordered");
    auto before = Rows();
    EXPECT_TRUE(Fails(service_->OrderCard(number, kActor), ErrorCode::kConflict));
    EXPECT_EQ(Rows(), before);
    // The current card keeps working meanwhile; the ordered one does not identify yet.
    EXPECT_TRUE(IsOk(service_->IdentifyByCard(m.cards[0].card_number)));
    EXPECT_TRUE(Fails(service_->IdentifyByCard(ordered->card_number), ErrorCode::kNotFound));
    EXPECT_EQ(Events(m)[0].kind, "card_ordered");
    EXPECT_TRUE(Fails(service_->OrderCard(UnusedMemberNumber(), kActor), ErrorCode::kNotFound));
}

TEST_P(MembershipServiceTest, IdentifiesByCardMemberNumberAndNationalId_R_CARD_2) {
    std::string pnr = Personnummer(1970, 1, 1, 555);
    MemberView owner = Register(Se(pnr));
    auto added =
        service_->AddParticipant(*owner.member.member_number, NewParticipant(Se(2005, 5, 5)), kActor);
    ASSERT_TRUE(IsOk(added));
    std::string participant = *added->household->members[1].member_number;

    std::vector<Result<TillIdentity>> ways = {
        service_->IdentifyByCard(owner.cards[0].card_number),
        service_->IdentifyByMemberNumber(*owner.member.member_number),
        service_->IdentifyByNationalId("se", ShortForm(pnr)),
    };
    const char* by[] = {"card", "member_number", "national_id"};
    for (size_t i = 0; i < ways.size(); ++i) {
        const auto& t = ways[i];
        ASSERT_TRUE(IsOk(t)) << by[i];
        EXPECT_EQ(t->identified_by, by[i]);
        EXPECT_EQ(t->member.member_id, owner.member.id);
        EXPECT_TRUE(t->may_earn);
        ASSERT_TRUE(t->member.household_id) << by[i];
        EXPECT_EQ(*t->member.household_id, *owner.member.household_id);
        EXPECT_EQ(t->member.household_size, 2);
        EXPECT_EQ(t->member.household_role, "owner");
    }
    // A participant earns into the owner's household (R_HH_6).
    auto p = service_->IdentifyByMemberNumber(participant);
    ASSERT_TRUE(IsOk(p));
    EXPECT_TRUE(p->may_earn);
    ASSERT_TRUE(p->member.household_id);
    EXPECT_EQ(p->member.owner_member_number, owner.member.member_number);
    EXPECT_EQ(p->member.household_role, "participant");

    EXPECT_TRUE(Fails(service_->IdentifyByMemberNumber(UnusedMemberNumber()), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(service_->IdentifyByMemberNumber(WrongCheckDigit(UnusedMemberNumber())),
                      ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(service_->IdentifyByCard(core::CardNumberFromSerial(99'999)), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(service_->IdentifyByCard(WrongCheckDigit(core::CardNumberFromSerial(99'999))),
                      ErrorCode::kMalformed));
    EXPECT_TRUE(
        Fails(service_->IdentifyByNationalId("se", Personnummer(1960, 6, 6, 1)), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(service_->IdentifyByNationalId("se", WrongCheckDigit(pnr)), ErrorCode::kInvalid));
}

// --- Home store, contact, cooperative ------------------------------------------------------------------

TEST_P(MembershipServiceTest, ChangesHomeStoreAnyTimeCooperativeStays_R_MEM_6) {
    MemberView m = Register(Se());
    auto changed = service_->ChangeHomeStore(*m.member.member_number, "se-umea-1", kActor);
    ASSERT_TRUE(IsOk(changed));
    EXPECT_EQ(changed->home_store->code, "se-umea-1");
    EXPECT_EQ(changed->cooperative->code, "se-malardalen");  // R_MEM_8: the cooperative follows the address
    EXPECT_TRUE(Fails(service_->ChangeHomeStore(*m.member.member_number, "dk-odense-1", kActor),
                      ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(service_->ChangeHomeStore(*m.member.member_number, "se-nowhere-1", kActor),
                      ErrorCode::kInvalid));
    EXPECT_EQ(Reload(m).home_store->code, "se-umea-1");
    auto events = Events(m);
    EXPECT_EQ(events[0].kind, "home_store_changed");
    EXPECT_NE(events[0].detail.find("se-umea-1"), std::string::npos);
}

TEST_P(MembershipServiceTest, ChangesContactButNotOfTheDemoMember_R_MEM_7_R_MEM_10) {
    MemberView m = Register(Se());
    ContactInput contact{"ny@example.se", "+46709876543", "Nygatan 2", "903 26", "Umeå"};
    auto changed = service_->ChangeContact(*m.member.member_number, contact, kActor);
    ASSERT_TRUE(IsOk(changed));
    EXPECT_EQ(changed->member.person.email, "ny@example.se");
    EXPECT_EQ(changed->member.person.phone, "+46709876543");
    EXPECT_EQ(changed->member.person.street, "Nygatan 2");
    EXPECT_EQ(changed->member.person.city, "Umeå");
    auto events = Events(m);
    EXPECT_EQ(events[0].kind, "contact_changed");
    EXPECT_EQ(events[0].detail.find("ny@example.se"), std::string::npos);  // no personal data in the log

    ContactInput bad = contact;
    bad.email = "not-an-address";
    EXPECT_TRUE(Fails(service_->ChangeContact(*m.member.member_number, bad, kActor), ErrorCode::kMalformed));

    RegisterInput demo_in = Se();
    demo_in.is_demo = true;
    demo_in.member_number = kDemoMemberNumber;
    MemberView demo = Register(demo_in);
    EXPECT_EQ(demo.member.member_number, kDemoMemberNumber);
    EXPECT_TRUE(demo.member.is_demo);
    ContactInput other{"demo@example.se", std::nullopt, "Demogatan 1", "111 11", "Stockholm"};
    EXPECT_TRUE(Refused(service_->ChangeContact(kDemoMemberNumber, other, kActor), "R_MEM_10"));
    EXPECT_EQ(Reload(demo).member.person.street, "Storgatan 1");

    // Someone else's e-mail address is a Conflict.
    MemberView third = Register(Se());
    EXPECT_TRUE(
        Fails(service_->ChangeContact(*third.member.member_number, contact, kActor), ErrorCode::kConflict));
}

TEST_P(MembershipServiceTest, MovesCooperativeWithinMarketOnly_R_MEM_8) {
    MemberView m = Register(Se());
    const std::string& number = *m.member.member_number;
    ASSERT_TRUE(IsOk(service_->ChangeHomeStore(number, "se-eskilstuna-1", "member")));
    ContactInput contact{std::nullopt, std::nullopt, "Ålidhemsgatan 5", "907 30", "Umeå"};
    ASSERT_TRUE(IsOk(service_->ChangeContact(number, contact, "member")));

    auto moved = service_->MoveCooperative(number, "se-umea-1", "operator");
    ASSERT_TRUE(IsOk(moved));
    EXPECT_EQ(moved->cooperative->code, "se-norrland");
    EXPECT_EQ(moved->home_store->code, "se-umea-1");
    EXPECT_EQ(moved->member.version, m.member.version + 2);

    EXPECT_TRUE(Refused(service_->MoveCooperative(number, "dk-odense-1", "operator"), "R_MEM_8"));
    EXPECT_TRUE(Refused(service_->MoveCooperative(number, "no-bergen-1", "operator"), "R_MEM_8"));
    EXPECT_TRUE(Refused(service_->MoveCooperative(number, "se-lulea-1", "operator"), "R_MEM_8"));  // same one
    EXPECT_TRUE(Fails(service_->MoveCooperative(number, "se-nowhere-1", "operator"), ErrorCode::kInvalid));
    EXPECT_EQ(Reload(m).cooperative->code, "se-norrland");

    // The event log records each change, newest first, with who made it.
    auto events = Events(m);
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].kind, "cooperative_moved");
    EXPECT_EQ(events[0].actor, "operator");
    EXPECT_NE(events[0].detail.find("se-malardalen"), std::string::npos);
    EXPECT_NE(events[0].detail.find("se-norrland"), std::string::npos);
    EXPECT_EQ(events[1].kind, "contact_changed");
    EXPECT_EQ(events[1].actor, "member");
    EXPECT_EQ(events[2].kind, "home_store_changed");
    EXPECT_EQ(events[3].kind, "registered");
}

TEST_P(MembershipServiceTest, AMoveRecordsTheOperatorsReason_R_MEM_8) {
    MemberView m = Register(Se());
    const std::string& number = *m.member.member_number;
    EXPECT_TRUE(Fails(service_->MoveCooperative(number, "se-umea-1", "operator", std::string(201, 'x')),
                      ErrorCode::kMalformed));
    ASSERT_TRUE(IsOk(service_->MoveCooperative(number, "se-umea-1", "operator", "moved to Umeå")));
    auto events = Events(m);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events[0].kind, "cooperative_moved");
    EXPECT_NE(events[0].detail.find("moved to Umeå"), std::string::npos) << events[0].detail;
}

// --- Terms ---------------------------------------------------------------------------------------------

TEST_P(MembershipServiceTest, PublishesAndAcceptsOnlyTheLatestTerms_R_MEM_9) {
    auto v1 = service_->PublishTerms({0, "se", "2026-1", "Medlemsvillkor", false, 0, "", std::nullopt});
    ASSERT_TRUE(IsOk(v1));
    EXPECT_EQ(v1->published_at, core::ToMillis(clock_.Now()));
    EXPECT_TRUE(Fails(service_->PublishTerms({0, "se", "2026-1", "Again", false, 0, "", std::nullopt}),
                      ErrorCode::kConflict));

    RegisterInput with_terms = Se();
    with_terms.terms_version = "2026-1";
    MemberView a = Register(with_terms);
    ASSERT_TRUE(a.accepted_terms);
    EXPECT_EQ(a.accepted_terms->first, "2026-1");

    RegisterInput unknown_terms = Se();
    unknown_terms.terms_version = "1999-1";
    auto before = Rows();
    EXPECT_TRUE(Fails(service_->Register(unknown_terms, kActor), ErrorCode::kInvalid));
    EXPECT_EQ(Rows(), before);

    MemberView b = Register(Se());
    EXPECT_FALSE(b.accepted_terms);
    auto accepted = service_->AcceptTerms(*b.member.member_number, "2026-1", "app");
    ASSERT_TRUE(IsOk(accepted));
    EXPECT_EQ(accepted->accepted_terms->first, "2026-1");

    clock_.Advance(std::chrono::hours(24));
    auto v2 = service_->PublishTerms({0, "se", "2027-1", "Större ändring", true, 0, "", std::nullopt});
    ASSERT_TRUE(IsOk(v2));
    EXPECT_TRUE(Refused(service_->AcceptTerms(*b.member.member_number, "2026-1", "app"), "R_MEM_9"));
    EXPECT_EQ(Reload(b).accepted_terms->first, "2026-1");
    auto latest = service_->AcceptTerms(*b.member.member_number, "2027-1", "web");
    ASSERT_TRUE(IsOk(latest));
    EXPECT_EQ(latest->accepted_terms->first, "2027-1");
    EXPECT_EQ(latest->accepted_terms->second, core::ToMillis(clock_.Now()));
    EXPECT_TRUE(Fails(service_->AcceptTerms(*b.member.member_number, "9999-9", "web"), ErrorCode::kNotFound));
    // Another market's terms are not these.
    EXPECT_TRUE(IsOk(service_->PublishTerms({0, "dk", "2028-1", "Vilkår", false, 0, "", std::nullopt})));
    EXPECT_TRUE(IsOk(service_->AcceptTerms(*a.member.member_number, "2027-1", "app")));
}

// --- Concurrency ---------------------------------------------------------------------------------------

TEST_P(MembershipServiceTest, ConcurrentRegistrationsAllSucceedWithUniqueNumbers) {
    constexpr int kThreads = 8;
    std::vector<RegisterInput> inputs;
    for (int i = 0; i < kThreads; ++i) {
        RegisterInput in = Se(1960 + i, 1 + i, 1 + i);
        in.contact.email = "concurrent" + std::to_string(i) + "@example.se";
        in.home_store_code = i % 2 ? "se-umea-1" : "se-vasteras-1";
        inputs.push_back(in);
    }
    std::vector<std::optional<Result<MemberView>>> results(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            results[i] = service_->Register(inputs[i], kActor);
        });
    for (auto& t : threads) t.join();

    std::set<std::string> numbers, cards;
    std::set<int64_t> households;
    for (int i = 0; i < kThreads; ++i) {
        ASSERT_TRUE(results[i]);
        ASSERT_TRUE(IsOk(*results[i])) << "thread " << i;
        const auto& v = **results[i];
        numbers.insert(*v.member.member_number);
        for (const auto& c : v.cards) cards.insert(c.card_number);
        households.insert(*v.member.household_id);
    }
    EXPECT_EQ(numbers.size(), static_cast<size_t>(kThreads));
    EXPECT_EQ(cards.size(), static_cast<size_t>(kThreads));
    EXPECT_EQ(households.size(), static_cast<size_t>(kThreads));
    EXPECT_EQ(Count("members"), kThreads);
    EXPECT_EQ(Count("cards"), kThreads);
}

// The same person registering from several places at once: one membership, the others refused by R_MEM_5
// (on PostgreSQL the later ones meet the unique index, not the existence check, and must still say R_MEM_5).
TEST_P(MembershipServiceTest, ConcurrentRegistrationsOfOnePersonGiveOneMembership_R_MEM_5) {
    constexpr int kThreads = 8;
    std::string pnr = Personnummer(1966, 6, 16, 616);
    std::vector<RegisterInput> inputs;
    for (int i = 0; i < kThreads; ++i) {
        RegisterInput in = Se(pnr);
        in.contact.email = "same-person" + std::to_string(i) + "@example.se";
        inputs.push_back(in);
    }
    std::vector<std::optional<Result<MemberView>>> results(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            results[i] = service_->Register(inputs[i], kActor);
        });
    for (auto& t : threads) t.join();

    int ok = 0;
    for (int i = 0; i < kThreads; ++i) {
        ASSERT_TRUE(results[i]);
        if (results[i]->ok())
            ++ok;
        else
            EXPECT_TRUE(Refused(*results[i], "R_MEM_5")) << "thread " << i;
    }
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(Count("persons"), 1);
    EXPECT_EQ(Count("members"), 1);
    EXPECT_EQ(Count("cards"), 1);
    EXPECT_EQ(Count("households"), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, MembershipServiceTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
