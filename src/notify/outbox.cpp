#include "notify/outbox.hpp"

#include <algorithm>

#include "notify/templates.hpp"
#include "store/notify/outbox_repository.hpp"

namespace andel::notify {
namespace {

constexpr size_t kMaxRecipient = 254;  // RFC 5321 path limit
constexpr size_t kMaxTemplateKey = 64;
constexpr size_t kMaxLanguage = 8;

bool IsAsciiPrintableWithoutSpace(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char ch) { return ch > ' ' && ch < 0x7f; });
}

core::Result<void> ValidateRecipient(const OutgoingMessage& m) {
    if (m.channel == "email") {
        if (!IsEmailAddress(m.recipient)) return core::Error::Invalid("not an e-mail address", "recipient");
    } else if (m.channel == "sms") {
        if (!IsPhoneNumber(m.recipient))
            return core::Error::Invalid("not a phone number (+ and 8-15 digits)", "recipient");
    } else if (m.channel == "inapp") {
        if (!m.member_id) return core::Error::Invalid("an in-app message needs a member", "member_id");
    } else {
        return core::Error::Invalid("unknown channel " + m.channel, "channel");
    }
    return core::Ok();
}

OutboxEntry ToEntry(const store::OutboxRecord& r, const Sealer& sealer) {
    OutboxEntry e;
    e.id = r.id;
    e.account_id = r.account_id;
    e.member_id = r.member_id;
    e.channel = r.channel;
    e.recipient = r.recipient;
    e.template_key = r.template_key;
    e.language = r.language;
    e.marketing = r.marketing;
    e.status = r.status;
    e.attempts = r.attempts;
    e.created_at = core::FromMillis(r.created_at);
    e.next_attempt_at = core::FromMillis(r.next_attempt_at);
    if (r.sent_at) e.sent_at = core::FromMillis(*r.sent_at);
    e.last_error = r.last_error;
    if (auto opened = sealer.Open(r.sealed_body)) {
        auto j = nlohmann::json::parse(*opened, nullptr, false);
        if (j.is_object()) {
            e.subject = j.value("subject", "");
            e.body = j.value("body", "");
        }
    }
    return e;
}

}  // namespace

bool IsEmailAddress(const std::string& s) {
    if (s.empty() || s.size() > kMaxRecipient || !IsAsciiPrintableWithoutSpace(s)) return false;
    if (std::count(s.begin(), s.end(), '@') != 1) return false;
    size_t at = s.find('@');
    if (at == 0 || at + 1 == s.size()) return false;
    // Characters that would break out of an SMTP path or a header.
    return s.find_first_of("<>()[],;:\\\"") == std::string::npos;
}

bool IsPhoneNumber(const std::string& s) {
    if (s.size() < 9 || s.size() > 16 || s[0] != '+') return false;
    return std::all_of(s.begin() + 1, s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

void AddressToContact(OutgoingMessage& m, const std::optional<std::string>& email,
                      const std::optional<std::string>& phone) {
    m.channel = email ? "email" : phone ? "sms" : "inapp";
    m.recipient = email ? *email : phone.value_or("");
}

core::Result<int64_t> Enqueue(store::Connection& c, const Sealer& sealer, const OutgoingMessage& m,
                              core::Timestamp now) {
    ANDEL_TRY(ValidateRecipient(m));
    if (m.template_key.empty() || m.template_key.size() > kMaxTemplateKey)
        return core::Error::Invalid("template key must be 1-64 characters", "template");
    if (m.language.size() > kMaxLanguage) return core::Error::Invalid("unknown language", "language");
    const auto& catalogue = MessageCatalogue::Embedded();
    // The in-app inbox is stored in clear for the API to read: no codes or links (credentials) go there
    // (R_PRIV_5).
    if (m.channel == "inapp" &&
        (catalogue.Uses(m.template_key, "code") || catalogue.Uses(m.template_key, "link")))
        return core::Error::Invalid(
            "message " + m.template_key + " carries a credential; not for the in-app inbox", "channel");
    auto rendered = catalogue.Render(m.template_key, m.language, m.params);
    if (!rendered.ok()) return rendered.error();

    store::OutboxRecord r;
    r.account_id = m.account_id;
    r.member_id = m.member_id;
    r.channel = m.channel;
    r.recipient = m.channel == "inapp" ? std::string() : m.recipient;
    r.template_key = m.template_key;
    r.language = catalogue.EffectiveLanguage(m.template_key, m.language);
    r.marketing = m.marketing;
    r.sealed_body =
        sealer.Seal(nlohmann::json{{"subject", rendered->subject}, {"body", rendered->body}}.dump());
    r.status = "pending";
    r.next_attempt_at = core::ToMillis(now);
    r.created_at = core::ToMillis(now);
    return store::OutboxRepository(c).Insert(r);
}

std::vector<OutboxEntry> ListOutbox(store::Connection& c, const Sealer& sealer, int64_t before_id, int limit,
                                    std::optional<std::string> recipient_filter) {
    limit = std::clamp(limit, 1, 500);
    std::vector<OutboxEntry> out;
    for (const auto& r :
         store::OutboxRepository(c).List(std::max<int64_t>(before_id, 0), limit, recipient_filter))
        out.push_back(ToEntry(r, sealer));
    return out;
}

std::vector<InboxMessage> ListInbox(store::Connection& c, int64_t member_id, std::optional<int64_t> before_id,
                                    int limit) {
    limit = std::clamp(limit, 1, 200);
    std::vector<InboxMessage> out;
    for (const auto& r : store::OutboxRepository(c).ListInbox(member_id, before_id, limit)) {
        InboxMessage m;
        m.id = r.id;
        m.member_id = r.member_id;
        m.subject = r.subject;
        m.body = r.body;
        m.created_at = core::FromMillis(r.created_at);
        if (r.read_at) m.read_at = core::FromMillis(*r.read_at);
        out.push_back(std::move(m));
    }
    return out;
}

bool MarkInboxRead(store::Connection& c, int64_t member_id, int64_t message_id, core::Timestamp now) {
    return store::OutboxRepository(c).MarkInboxRead(member_id, message_id, core::ToMillis(now));
}

int64_t UnreadCount(store::Connection& c, int64_t member_id) {
    return store::OutboxRepository(c).UnreadCount(member_id);
}

}  // namespace andel::notify
