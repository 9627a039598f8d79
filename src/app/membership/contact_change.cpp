#include "app/membership/contact_change.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "app/crypto.hpp"
#include "app/transaction.hpp"
#include "notify/outbox.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using store::Int;
using store::Text;

constexpr int64_t kDayMs = 24 * 3600 * 1000;

std::string NewCode() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not initialise");
    char buf[16];
    std::snprintf(buf, sizeof buf, "%06u", static_cast<unsigned>(randombytes_uniform(1'000'000)));
    return buf;
}

// The value as stored: an e-mail trimmed and in lower case; a phone number without spaces and dashes.
Result<std::string> Normalise(const std::string& channel, const std::string& value) {
    std::string v;
    if (channel == "email") {
        size_t b = value.find_first_not_of(" \t"), e = value.find_last_not_of(" \t");
        if (b != std::string::npos) v = value.substr(b, e - b + 1);
        std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
        auto at = v.find('@');
        bool ok = v.size() <= 254 && at != std::string::npos && at > 0 && at == v.rfind('@') &&
                  v.find('.', at) != std::string::npos && v.back() != '.' &&
                  std::none_of(v.begin(), v.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
        if (!ok) return Error::Invalid("that is not an e-mail address", "value");
        return v;
    }
    if (channel == "phone") {
        for (char c : value)
            if (c != ' ' && c != '-') v += c;
        bool ok = v.size() >= 9 && v.size() <= 16 && v[0] == '+' &&
                  std::all_of(v.begin() + 1, v.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!ok) return Error::Invalid("a mobile number in international form, e.g. +4512345678", "value");
        return v;
    }
    return Error::Malformed("channel is email or phone", "channel");
}

}  // namespace

Result<ContactChangeStarted> ContactChanges::Start(int64_t member_id, const std::string& channel,
                                                   const std::string& value, const std::string& language) {
    auto normalised = Normalise(channel, value);
    if (!normalised) return normalised.error();
    const std::string& fresh = *normalised;
    return InTransaction(db_, [&](store::Connection& c) -> Result<ContactChangeStarted> {
        store::MembershipRepository repo(c);
        int64_t now = core::ToMillis(clock_.Now());
        auto member = repo.FindMember(member_id);
        if (!member) return Error::NotFound("no such member");
        if (member->is_demo)
            return Error::Rule("R_MEM_10", "the demo member's contact data cannot be changed");
        if (member->status != "active") return Error::Invalid("the membership has ended");
        const auto& current = channel == "email" ? member->person.email : member->person.phone;
        if (current && *current == fresh)
            return Error::Invalid(channel == "email" ? "that is already your e-mail address"
                                                     : "that is already your mobile number",
                                  "value");
        auto taken =
            c.QueryOne(channel == "email" ? "SELECT COUNT(*) FROM persons WHERE email = $1 AND id <> $2"
                                          : "SELECT COUNT(*) FROM persons WHERE phone = $1 AND id <> $2",
                       {Text(fresh), Int(member->person_id)});
        if (taken->Int(0) > 0)
            return Error::Conflict(channel == "email" ? "another membership uses that e-mail address"
                                                      : "another membership uses that mobile number");
        auto first = c.QueryOne(
            "SELECT COUNT(*), MIN(created_at) FROM contact_changes WHERE member_id = $1 AND created_at > $2",
            {Int(member_id), Int(now - kDayMs)});
        if (first->Int(0) >= kRequestsPerDay) {
            int wait = static_cast<int>((first->Int(1) + kDayMs - now + 999) / 1000);
            return Error::RateLimited("at most 5 changes a day; try again later", std::max(wait, 1));
        }

        c.Execute("UPDATE contact_changes SET consumed_at = $2 WHERE member_id = $1 AND consumed_at IS NULL",
                  {Int(member_id), Int(now)});
        std::string token = "cc." + RandomHex(32);
        std::string token_hash = Sha256Hex(token);
        std::string code = NewCode();
        c.Execute(
            "INSERT INTO contact_changes (member_id, channel, new_value_sealed, token_hash, code_hash, "
            "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            {Int(member_id), Text(channel), Text(sealer_.Seal(fresh)), Text(token_hash),
             Text(auth_.HashCode(token_hash, code)), Int(now), Int(now + kValidMs)});
        notify::OutgoingMessage m;
        m.member_id = member_id;
        m.channel = channel == "email" ? "email" : "sms";
        m.recipient = fresh;
        m.template_key = "contact_change_code";
        m.language = language;
        m.params = {{"code", code}, {"minutes", kValidMs / 60000}};
        if (auto queued = notify::Enqueue(c, sealer_, m, clock_.Now()); !queued) {
            if (queued.error().code == core::ErrorCode::kInvalid)  // a recipient the channel cannot reach
                return Error::Invalid(queued.error().detail, "value");
            return queued.error();
        }
        return ContactChangeStarted{token, channel, auth::MaskDestination(fresh), now + kValidMs};
    });
}

Result<ContactChanged> ContactChanges::Confirm(int64_t member_id, const std::string& challenge,
                                               const std::string& code, const std::string& language,
                                               const std::string& actor) {
    if (challenge.empty() || challenge.size() > 100) return Error::Malformed("no such change", "challenge");
    struct Outcome {
        std::optional<ContactChanged> changed;
        std::optional<Error> refused;
    };
    auto outcome = InTransaction(db_, [&](store::Connection& c) -> Result<Outcome> {
        store::MembershipRepository repo(c);
        int64_t now = core::ToMillis(clock_.Now());
        std::string token_hash = Sha256Hex(challenge);
        auto row = c.QueryOne(
            "SELECT id, channel, new_value_sealed, code_hash, attempts, expires_at, consumed_at "
            "FROM contact_changes WHERE token_hash = $1 AND member_id = $2",
            {Text(token_hash), Int(member_id)});
        if (!row || !row->IsNull(6))
            return Error::NotFound("this change was finished or replaced; ask for a new code");
        if (row->Int(5) <= now) return Error::Invalid("the code has expired; ask for a new one", "code");
        if (row->Int(4) >= kAttempts)
            return Error::Invalid("too many wrong codes; ask for a new one", "code");
        bool six = code.size() == 6 &&
                   std::all_of(code.begin(), code.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        Outcome o;
        if (!six || !ConstantTimeEquals(auth_.HashCode(token_hash, code), row->Text(3))) {
            c.Execute("UPDATE contact_changes SET attempts = attempts + 1 WHERE id = $1", {Int(row->Int(0))});
            int64_t left = kAttempts - (row->Int(4) + 1);
            o.refused = Error::Invalid(left > 0 ? "the code is wrong; " + std::to_string(left) +
                                                      (left == 1 ? " attempt" : " attempts") + " left"
                                                : "the code is wrong; ask for a new one",
                                       "code");
            return o;  // commits the counted attempt
        }
        auto value = sealer_.Open(row->Text(2));
        if (!value) return Error{core::ErrorCode::kInternal, "the pending change cannot be read", {}, {}};
        auto member = repo.FindMember(member_id);
        if (!member || member->status != "active") return Error::Invalid("the membership has ended");
        if (member->is_demo)
            return Error::Rule("R_MEM_10", "the demo member's contact data cannot be changed");
        std::string channel = row->Text(1);
        store::PersonRecord p = member->person;
        auto old = channel == "email" ? p.email : p.phone;
        (channel == "email" ? p.email : p.phone) = *value;
        ANDEL_TRY(repo.UpdatePersonContact(p, now));
        c.Execute("UPDATE contact_changes SET consumed_at = $2 WHERE id = $1", {Int(row->Int(0)), Int(now)});
        // The event says what changed, not the values: personal data stays in one place.
        repo.AddEvent(member_id, "contact_changed",
                      nlohmann::json{{"field", channel}, {"confirmed", "code"}}.dump(), actor, now);
        if (old) {  // the old address learns of it, in case it was not its holder's doing
            notify::OutgoingMessage m;
            m.member_id = member_id;
            m.channel = channel == "email" ? "email" : "sms";
            m.recipient = *old;
            m.template_key = "contact_changed_notice";
            m.language = language;
            if (auto queued = notify::Enqueue(c, sealer_, m, clock_.Now());
                !queued && queued.error().code != core::ErrorCode::kInvalid)
                return queued.error();  // an old address the channel cannot reach is simply not told
        }
        o.changed = ContactChanged{channel, p.email, p.phone};
        return o;
    });
    if (!outcome) return outcome.error();
    if (outcome->refused) return *outcome->refused;
    return *outcome->changed;
}

}  // namespace andel::app
