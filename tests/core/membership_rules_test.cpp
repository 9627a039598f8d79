#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/membership/numbers.hpp"
#include "core/membership/rules.hpp"

namespace andel::core {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

// A fixed "today" for every test (STYLE.md "Tests": a fixed clock).
constexpr Date kToday{year{2026}, month{5}, day{10}};

Date D(int y, unsigned m, unsigned d) { return Date{year{y}, month{m}, day{d}}; }

// The household and membership numbers of config/markets/se.toml.
MarketRules Se() {
    MarketRules r;
    r.code = "se";
    r.currency = "SEK";
    r.member_min_age = 18;
    r.share_minor = 10000;
    r.owner_min_age = 18;
    r.participant_min_age = 10;
    r.max_participants = 19;
    r.family_requires_new_login = false;
    return r;
}

// The household and membership numbers of config/markets/no.toml.
MarketRules No() {
    MarketRules r;
    r.code = "no";
    r.currency = "NOK";
    r.member_min_age = 18;
    r.share_minor = 10000;
    r.owner_min_age = 18;
    r.participant_min_age = 16;
    r.max_participants = 9;
    r.family_requires_new_login = true;
    return r;
}

constexpr int64_t kHousehold = 7;

// An active cooperative member aged 40 who owns household 7 and has done the new login.
MemberFacts Owner() {
    MemberFacts m;
    m.id = 1;
    m.birth_date = D(1986, 3, 1);
    m.share_paid_minor = 10000;
    m.new_login_done = true;
    m.household_id = kHousehold;
    m.household_role = HouseholdRole::kOwner;
    return m;
}

// An active member aged 20, in no household.
MemberFacts Candidate() {
    MemberFacts m;
    m.id = 2;
    m.birth_date = D(2006, 1, 15);
    return m;
}

// A participant of household 7.
MemberFacts Participant() {
    MemberFacts m = Candidate();
    m.household_id = kHousehold;
    m.household_role = HouseholdRole::kParticipant;
    return m;
}

// A member in no household who could become an owner: aged 40, share paid.
MemberFacts WouldBeOwner() {
    MemberFacts m = Owner();
    m.household_id.reset();
    m.household_role.reset();
    return m;
}

void ExpectRefused(const Result<void>& r, const std::string& rule) {
    ASSERT_FALSE(r.ok()) << "expected a refusal by " << rule;
    EXPECT_EQ(r.error().code, ErrorCode::kRuleRefused);
    EXPECT_EQ(r.error().rule, rule);
    EXPECT_FALSE(r.error().detail.empty());
}

void ExpectOk(const Result<void>& r) {
    EXPECT_TRUE(r.ok()) << "refused by " << r.error().rule << ": " << r.error().detail;
}

// --- Cooperative membership (R_MEM_4) --------------------------------------------------------------

TEST(Member, CooperativeMemberNeedsActiveMembershipAndFullShare_R_MEM_4) {
    MemberFacts m = WouldBeOwner();
    EXPECT_TRUE(IsCooperativeMember(m, Se()));
    m.share_paid_minor = 9999;
    EXPECT_FALSE(IsCooperativeMember(m, Se()));
    m.share_paid_minor = 10001;
    EXPECT_TRUE(IsCooperativeMember(m, Se()));
}

TEST(Member, ProfileIsNoCooperativeMember_R_MEM_1) {
    MemberFacts m = WouldBeOwner();
    m.kind = MemberKind::kProfile;
    EXPECT_FALSE(IsCooperativeMember(m, Se()));
}

TEST(Member, EndedMemberIsNoCooperativeMember_R_MEM_4) {
    MemberFacts m = WouldBeOwner();
    m.status = MemberStatus::kEnded;
    EXPECT_FALSE(IsCooperativeMember(m, Se()));
}

// --- New members (R_MEM_4, R_MEM_5) ----------------------------------------------------------------

TEST(Member, AcceptsEighteenthBirthdayToday_R_MEM_5) {
    ExpectOk(AcceptNewMember(D(2008, 5, 10), 10000, Se(), kToday));
}

TEST(Member, RefusesEighteenthBirthdayTomorrow_R_MEM_5) {
    ExpectRefused(AcceptNewMember(D(2008, 5, 11), 10000, Se(), kToday), "R_MEM_5");
}

TEST(Member, MinimumAgeComesFromTheMarket_R_MEM_5) {
    MarketRules dk15 = Se();
    dk15.member_min_age = 15;  // DK: 15 in some societies (config)
    ExpectOk(AcceptNewMember(D(2011, 5, 10), 10000, dk15, kToday));
    ExpectRefused(AcceptNewMember(D(2011, 5, 11), 10000, dk15, kToday), "R_MEM_5");
}

TEST(Member, LeapDayBabyIsEighteenOnFirstOfMarch_R_MEM_5) {
    ExpectRefused(AcceptNewMember(D(2008, 2, 29), 10000, Se(), D(2026, 2, 28)), "R_MEM_5");
    ExpectOk(AcceptNewMember(D(2008, 2, 29), 10000, Se(), D(2026, 3, 1)));
}

TEST(Member, RefusesShareOneOreShort_R_MEM_4) {
    ExpectRefused(AcceptNewMember(D(1990, 1, 1), 9999, Se(), kToday), "R_MEM_4");
    ExpectRefused(AcceptNewMember(D(1990, 1, 1), 0, Se(), kToday), "R_MEM_4");
}

TEST(Member, AcceptsFullShare_R_MEM_4) {
    ExpectOk(AcceptNewMember(D(1990, 1, 1), 10000, Se(), kToday));
    ExpectOk(AcceptNewMember(D(1990, 1, 1), 20000, Se(), kToday));
}

TEST(Member, OneMembershipPerPerson_R_MEM_5) {
    ExpectOk(AcceptOneMembershipPerPerson(false));
    ExpectRefused(AcceptOneMembershipPerPerson(true), "R_MEM_5");
}

// --- Household owners (R_HH_2, R_HH_4) -------------------------------------------------------------

TEST(Household, AcceptsCooperativeMemberAsOwner_R_HH_2) {
    ExpectOk(AcceptHouseholdOwner(WouldBeOwner(), Se(), kToday));
}

TEST(Household, AcceptsOwnerOnEighteenthBirthday_R_HH_2) {
    MemberFacts m = WouldBeOwner();
    m.birth_date = D(2008, 5, 10);
    ExpectOk(AcceptHouseholdOwner(m, Se(), kToday));
}

TEST(Household, RefusesOwnerOneDayShortOfEighteen_R_HH_2) {
    MemberFacts m = WouldBeOwner();
    m.birth_date = D(2008, 5, 11);
    ExpectRefused(AcceptHouseholdOwner(m, Se(), kToday), "R_HH_2");
}

TEST(Household, RefusesOwnerWithoutPaidShare_R_HH_2) {
    MemberFacts m = WouldBeOwner();
    m.share_paid_minor = 9999;
    ExpectRefused(AcceptHouseholdOwner(m, Se(), kToday), "R_HH_2");
    m.share_paid_minor = 0;
    ExpectRefused(AcceptHouseholdOwner(m, Se(), kToday), "R_HH_2");
}

TEST(Household, RefusesProfileAsOwner_R_HH_2) {
    MemberFacts m = WouldBeOwner();
    m.kind = MemberKind::kProfile;
    ExpectRefused(AcceptHouseholdOwner(m, Se(), kToday), "R_HH_2");
}

TEST(Household, RefusesEndedMemberAsOwner_R_HH_2) {
    MemberFacts m = WouldBeOwner();
    m.status = MemberStatus::kEnded;
    ExpectRefused(AcceptHouseholdOwner(m, Se(), kToday), "R_HH_2");
}

TEST(Household, RefusesSecondHouseholdForOwner_R_HH_4) {
    ExpectRefused(AcceptHouseholdOwner(Owner(), Se(), kToday), "R_HH_4");
}

TEST(Household, RefusesParticipantAsOwner_R_HH_4) {
    MemberFacts m = Participant();
    m.share_paid_minor = 10000;
    ExpectRefused(AcceptHouseholdOwner(m, Se(), kToday), "R_HH_4");
}

// --- Adding participants (R_HH_1 .. R_HH_5, R_HH_8) ------------------------------------------------

TEST(Household, AcceptsMemberAsParticipant_R_HH_1) {
    ExpectOk(AcceptParticipant(Owner(), 0, Candidate(), Se(), kToday));
}

TEST(Household, RefusesProfileAsParticipant_R_HH_1) {
    MemberFacts c = Candidate();
    c.kind = MemberKind::kProfile;
    ExpectRefused(AcceptParticipant(Owner(), 0, c, Se(), kToday), "R_HH_1");
}

TEST(Household, RefusesEndedMemberAsParticipant_R_HH_1) {
    MemberFacts c = Candidate();
    c.status = MemberStatus::kEnded;
    ExpectRefused(AcceptParticipant(Owner(), 0, c, Se(), kToday), "R_HH_1");
}

TEST(Household, ParticipantNeedsNoShare_R_HH_1) {
    MemberFacts c = Candidate();
    c.share_paid_minor = 0;
    ExpectOk(AcceptParticipant(Owner(), 0, c, Se(), kToday));
}

TEST(Household, AcceptsParticipantOnTenthBirthday_R_HH_2) {
    MemberFacts c = Candidate();
    c.birth_date = D(2016, 5, 10);
    ExpectOk(AcceptParticipant(Owner(), 0, c, Se(), kToday));
}

TEST(Household, RefusesParticipantOneDayShortOfTen_R_HH_2) {
    MemberFacts c = Candidate();
    c.birth_date = D(2016, 5, 11);
    ExpectRefused(AcceptParticipant(Owner(), 0, c, Se(), kToday), "R_HH_2");
}

TEST(Household, NorwegianParticipantMustBeSixteen_R_HH_2) {
    MemberFacts c = Candidate();
    c.birth_date = D(2010, 5, 10);
    ExpectOk(AcceptParticipant(Owner(), 0, c, No(), kToday));
    c.birth_date = D(2010, 5, 11);
    ExpectRefused(AcceptParticipant(Owner(), 0, c, No(), kToday), "R_HH_2");
    c.birth_date = D(2016, 5, 10);  // old enough in SE, not in NO
    ExpectOk(AcceptParticipant(Owner(), 0, c, Se(), kToday));
    ExpectRefused(AcceptParticipant(Owner(), 0, c, No(), kToday), "R_HH_2");
}

TEST(Household, AcceptsNineteenthParticipant_R_HH_3) {
    ExpectOk(AcceptParticipant(Owner(), 18, Candidate(), Se(), kToday));
}

TEST(Household, RefusesTwentiethParticipant_R_HH_3) {
    ExpectRefused(AcceptParticipant(Owner(), 19, Candidate(), Se(), kToday), "R_HH_3");
    ExpectRefused(AcceptParticipant(Owner(), 25, Candidate(), Se(), kToday), "R_HH_3");
}

TEST(Household, AcceptsNinthNorwegianParticipant_R_HH_3) {
    ExpectOk(AcceptParticipant(Owner(), 8, Candidate(), No(), kToday));
}

TEST(Household, RefusesTenthNorwegianParticipant_R_HH_3) {
    ExpectRefused(AcceptParticipant(Owner(), 9, Candidate(), No(), kToday), "R_HH_3");
}

TEST(Household, RefusesCandidateAlreadyInAHousehold_R_HH_4) {
    MemberFacts c = Candidate();
    c.household_id = 99;
    c.household_role = HouseholdRole::kParticipant;
    ExpectRefused(AcceptParticipant(Owner(), 0, c, Se(), kToday), "R_HH_4");
    c.household_role = HouseholdRole::kOwner;  // owns another household
    ExpectRefused(AcceptParticipant(Owner(), 0, c, Se(), kToday), "R_HH_4");
    ExpectRefused(AcceptParticipant(Owner(), 0, Participant(), Se(), kToday), "R_HH_4");  // already ours
}

TEST(Household, RefusesOwnerAddingSelf_R_HH_4) {
    ExpectRefused(AcceptParticipant(Owner(), 0, Owner(), Se(), kToday), "R_HH_4");
}

TEST(Household, RefusesParticipantAddingParticipant_R_HH_5) {
    ExpectRefused(AcceptParticipant(Participant(), 0, Candidate(), Se(), kToday), "R_HH_5");
}

TEST(Household, RefusesMemberOutsideHouseholdAddingParticipant_R_HH_5) {
    ExpectRefused(AcceptParticipant(WouldBeOwner(), 0, Candidate(), Se(), kToday), "R_HH_5");
}

TEST(Household, RefusesNorwegianOwnerWithoutNewLogin_R_HH_8) {
    MemberFacts owner = Owner();
    owner.new_login_done = false;
    ExpectRefused(AcceptParticipant(owner, 0, Candidate(), No(), kToday), "R_HH_8");
}

TEST(Household, AcceptsNorwegianOwnerWithNewLogin_R_HH_8) {
    ExpectOk(AcceptParticipant(Owner(), 0, Candidate(), No(), kToday));
}

TEST(Household, SwedishOwnerNeedsNoNewLogin_R_HH_8) {
    MemberFacts owner = Owner();
    owner.new_login_done = false;
    ExpectOk(AcceptParticipant(owner, 0, Candidate(), Se(), kToday));
}

// --- Removing and leaving (R_HH_5) -----------------------------------------------------------------

TEST(Household, OwnerRemovesParticipant_R_HH_5) { ExpectOk(AcceptRemoval(Owner(), Participant())); }

TEST(Household, ParticipantCannotRemoveParticipant_R_HH_5) {
    MemberFacts other = Participant();
    other.id = 3;
    ExpectRefused(AcceptRemoval(Participant(), other), "R_HH_5");
}

TEST(Household, MemberOutsideHouseholdCannotRemove_R_HH_5) {
    ExpectRefused(AcceptRemoval(WouldBeOwner(), Participant()), "R_HH_5");
}

TEST(Household, OwnerCannotRemoveParticipantOfAnotherHousehold_R_HH_5) {
    MemberFacts stranger = Participant();
    stranger.household_id = 99;
    Result<void> r = AcceptRemoval(Owner(), stranger);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST(Household, OwnerCannotRemoveSelf_R_HH_5) {
    Result<void> r = AcceptRemoval(Owner(), Owner());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST(Household, ParticipantMayLeave_R_HH_5) { ExpectOk(AcceptLeaving(Participant())); }

// The owner cannot leave (R_HH_5 says only participants leave); the refusal names R_HH_4, because a
// household is always owned by exactly one owner.
TEST(Household, OwnerCannotLeave_R_HH_5) { ExpectRefused(AcceptLeaving(Owner()), "R_HH_4"); }

TEST(Household, MemberOutsideHouseholdCannotLeave_R_HH_5) {
    Result<void> r = AcceptLeaving(Candidate());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace andel::core

namespace andel::core {
namespace {

TEST(Household, OwnerWhoseShareWasRefundedCannotAddParticipants_R_HH_2) {
    MemberFacts owner = Owner();
    owner.share_paid_minor = 0;
    ExpectRefused(AcceptParticipant(owner, 0, Candidate(), Se(), kToday), "R_HH_2");
}

TEST(Numbers, MemberNumberNeverStartsWithZero_R_MEM_6) {
    EXPECT_FALSE(IsValidMemberNumber("00000000"));
    EXPECT_TRUE(IsValidMemberNumber(MemberNumberFromBody(1'000'000)));
}

}  // namespace
}  // namespace andel::core
