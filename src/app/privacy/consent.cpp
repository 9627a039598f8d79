#include "app/privacy/consent.hpp"

#include <algorithm>

#include "app/transaction.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using store::Int;
using store::Text;

bool KnownPurpose(const std::string& p) {
    return std::find(kConsentPurposes.begin(), kConsentPurposes.end(), p) != kConsentPurposes.end();
}

std::optional<ConsentState> Latest(store::Connection& c, int64_t member_id, const std::string& purpose) {
    auto r = c.QueryOne(
        "SELECT given, at, channel, text_version FROM consent_events WHERE member_id = $1 AND purpose = $2 "
        "ORDER BY id DESC LIMIT 1",
        {Int(member_id), Text(purpose)});
    if (!r) return std::nullopt;
    return ConsentState{purpose, r->Bool(0), r->Int(1), r->Text(2), r->Text(3)};
}

bool MemberExists(store::Connection& c, int64_t member_id) {
    return c.QueryOne("SELECT 1 FROM members WHERE id = $1", {Int(member_id)}).has_value();
}

}  // namespace

Result<std::vector<ConsentState>> ConsentService::Get(int64_t member_id) {
    auto c = db_.Read();
    if (!MemberExists(*c, member_id)) return Error::NotFound("no such member");
    std::vector<ConsentState> out;
    for (const char* p : kConsentPurposes)
        out.push_back(Latest(*c, member_id, p).value_or(ConsentState{p, false, std::nullopt, "", ""}));
    return out;
}

Result<ConsentState> ConsentService::Set(int64_t member_id, const std::string& purpose, bool given,
                                         const std::string& channel, const std::string& text_version,
                                         const std::string& actor) {
    if (!KnownPurpose(purpose))
        return Error::NotFound(
            "no consent purpose " + purpose.substr(0, 40) +
            " (tracking_cookies, personalised_offers, personalised_content, purchase_analysis)");
    if (channel != "app" && channel != "web" && channel != "store" && channel != "customer_service")
        return Error::Malformed("channel is app, web, store or customer_service", "channel");
    if (text_version.empty() || text_version.size() > 40 ||
        text_version.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") !=
            std::string::npos)
        return Error::Malformed(
            "text_version names the consent text shown: 1 to 40 of a-z, 0-9, '.', '-', '_'", "text_version");
    return InTransaction(db_, [&](store::Connection& c) -> Result<ConsentState> {
        if (!MemberExists(c, member_id)) return Error::NotFound("no such member");
        auto now = Latest(c, member_id, purpose);
        if (now && now->given == given && now->text_version == text_version) return *now;
        int64_t at = core::ToMillis(clock_.Now());
        c.Execute(
            "INSERT INTO consent_events (member_id, purpose, given, channel, text_version, actor, at) VALUES "
            "($1, $2, "
            "$3, $4, $5, $6, $7)",
            {Int(member_id), Text(purpose), Int(given ? 1 : 0), Text(channel), Text(text_version),
             Text(actor), Int(at)});
        return ConsentState{purpose, given, at, channel, text_version};
    });
}

Result<std::vector<ConsentEvent>> ConsentService::History(int64_t member_id) {
    auto c = db_.Read();
    if (!MemberExists(*c, member_id)) return Error::NotFound("no such member");
    std::vector<ConsentEvent> out;
    for (const auto& r :
         c->Query("SELECT purpose, given, channel, text_version, actor, at FROM consent_events "
                  "WHERE member_id = $1 ORDER BY id",
                  {Int(member_id)}))
        out.push_back({r.Text(0), r.Bool(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5)});
    return out;
}

bool ConsentService::Allows(store::Connection& c, int64_t member_id, const std::string& purpose) {
    auto now = Latest(c, member_id, purpose);
    return now && now->given;
}

}  // namespace andel::app
