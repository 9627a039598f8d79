#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"

namespace andel::core {

enum class MemberKind { kMember, kProfile };  // R_MEM_1
enum class MemberStatus { kActive, kEnded };
enum class HouseholdRole { kOwner, kParticipant };

// What the rules need to know about a person's membership; plain data, no storage.
struct MemberFacts {
    int64_t id = 0;
    MemberKind kind = MemberKind::kMember;
    MemberStatus status = MemberStatus::kActive;
    Date birth_date{};
    int64_t share_paid_minor = 0;
    bool new_login_done = false;  // R_AUTH_7
    std::optional<int64_t> household_id;
    std::optional<HouseholdRole> household_role;
};

// R_LIFE_2 with R_HH_2: when an owner's membership ends in a market that hands the household over, it goes
// to the first of `participants` (longest in the household first) who may own one: an active cooperative
// member of the owner's age. nullopt: no one may, and the household ends.
std::optional<size_t> ChooseNewOwner(const std::vector<MemberFacts>& participants, const MarketRules& rules,
                                     Date today);

// A cooperative member: an active member who has paid the share (R_MEM_4).
bool IsCooperativeMember(const MemberFacts& m, const MarketRules& rules);

// R_MEM_4, R_MEM_5: a person joins the programme as a member in their own right.
Result<void> AcceptNewMember(Date birth_date, int64_t share_paid_minor, const MarketRules& rules, Date today);

// R_MEM_5: one membership per person; `already_registered` says the person has one (any kind).
Result<void> AcceptOneMembershipPerPerson(bool already_registered);

// R_HH_2, R_HH_4: `owner` may own a new household.
Result<void> AcceptHouseholdOwner(const MemberFacts& owner, const MarketRules& rules, Date today);

// R_HH_1..R_HH_5, R_HH_8: `actor` adds `candidate` to the household that `actor` owns, which has
// `participants` participants today.
Result<void> AcceptParticipant(const MemberFacts& actor, int participants, const MemberFacts& candidate,
                               const MarketRules& rules, Date today);

// R_HH_5: the owner removes a participant of their household.
Result<void> AcceptRemoval(const MemberFacts& actor, const MemberFacts& participant);

// R_HH_5: any participant may leave at any time; an owner cannot leave their own household.
Result<void> AcceptLeaving(const MemberFacts& participant);

}  // namespace andel::core
