#include "core/membership/rules.hpp"

namespace andel::core {

bool IsCooperativeMember(const MemberFacts& m, const MarketRules& rules) {
    return m.kind == MemberKind::kMember && m.status == MemberStatus::kActive &&
           m.share_paid_minor >= rules.share_minor;
}

Result<void> AcceptNewMember(Date birth_date, int64_t share_paid_minor, const MarketRules& rules,
                             Date today) {
    int age = AgeOn(birth_date, today);
    if (age < rules.member_min_age)
        return Error::Rule("R_MEM_5", "a member must be at least " + std::to_string(rules.member_min_age) +
                                          " years old (is " + std::to_string(age) + ")");
    if (share_paid_minor < rules.share_minor)
        return Error::Rule("R_MEM_4", "membership requires a paid cooperative share of at least " +
                                          std::to_string(rules.share_minor) + " minor units of " +
                                          rules.currency);
    return Ok();
}

Result<void> AcceptOneMembershipPerPerson(bool already_registered) {
    if (already_registered) return Error::Rule("R_MEM_5", "this person already has a membership or profile");
    return Ok();
}

std::optional<size_t> ChooseNewOwner(const std::vector<MemberFacts>& participants, const MarketRules& rules,
                                     Date today) {
    if (rules.owner_exit != "hand_over") return std::nullopt;
    for (size_t i = 0; i < participants.size(); ++i)
        if (IsCooperativeMember(participants[i], rules) &&
            AgeOn(participants[i].birth_date, today) >= rules.owner_min_age)
            return i;
    return std::nullopt;
}

Result<void> AcceptHouseholdOwner(const MemberFacts& owner, const MarketRules& rules, Date today) {
    if (owner.household_id) return Error::Rule("R_HH_4", "the member already belongs to a household");
    if (AgeOn(owner.birth_date, today) < rules.owner_min_age)
        return Error::Rule("R_HH_2", "a household owner must be at least " +
                                         std::to_string(rules.owner_min_age) + " years old");
    if (!IsCooperativeMember(owner, rules))
        return Error::Rule("R_HH_2", "a household owner must be a cooperative member with a paid share");
    return Ok();
}

Result<void> AcceptParticipant(const MemberFacts& actor, int participants, const MemberFacts& candidate,
                               const MarketRules& rules, Date today) {
    if (actor.household_role != HouseholdRole::kOwner)
        return Error::Rule("R_HH_5", "only the household's owner adds participants");
    if (!IsCooperativeMember(actor, rules))
        return Error::Rule("R_HH_2", "the owner must be an active cooperative member with a paid share");
    if (rules.family_requires_new_login && !actor.new_login_done)
        return Error::Rule("R_HH_8",
                           "the owner must complete the new two-step login before adding family members");
    if (participants >= rules.max_participants)
        return Error::Rule(
            "R_HH_3", "a household has at most " + std::to_string(rules.max_participants) + " participants");
    if (candidate.id == actor.id)
        return Error::Rule("R_HH_4", "the owner cannot be a participant of their own household");
    if (candidate.kind != MemberKind::kMember || candidate.status != MemberStatus::kActive)
        return Error::Rule("R_HH_1",
                           "a participant must be an active member with their own identity and card");
    if (candidate.household_id) return Error::Rule("R_HH_4", "the person already belongs to a household");
    int age = AgeOn(candidate.birth_date, today);
    if (age < rules.participant_min_age)
        return Error::Rule("R_HH_2", "a participant must be at least " +
                                         std::to_string(rules.participant_min_age) + " years old (is " +
                                         std::to_string(age) + ")");
    return Ok();
}

Result<void> AcceptRemoval(const MemberFacts& actor, const MemberFacts& participant) {
    if (actor.household_role != HouseholdRole::kOwner || !actor.household_id)
        return Error::Rule("R_HH_5", "only the household's owner removes participants");
    if (participant.household_id != actor.household_id ||
        participant.household_role != HouseholdRole::kParticipant)
        return Error::NotFound("the person is not a participant of this household");
    return Ok();
}

Result<void> AcceptLeaving(const MemberFacts& participant) {
    if (!participant.household_id) return Error::NotFound("the member is not in a household");
    if (participant.household_role == HouseholdRole::kOwner)
        return Error::Rule("R_HH_4", "an owner cannot leave the household they own");
    return Ok();
}

}  // namespace andel::core
