// The message catalogue (i18n/messages.toml): every message in Danish, Norwegian, Swedish and English, and
// rendering that never sends a message with a missing code or link.
#include "notify/templates.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace andel::notify {
namespace {

using nlohmann::json;

const std::vector<std::string> kKeys = {"account_locked",
                                        "contact_change_code",
                                        "contact_changed_notice",
                                        "inactivity_notice",
                                        "login_code",
                                        "no_cooperative_member_notice",
                                        "portal_delivery_note",
                                        "portal_order_confirmation",
                                        "relogin_logged_out",
                                        "relogin_reminder",
                                        "relogin_turn",
                                        "reset_code",
                                        "reset_link",
                                        "staff_reset_sent",
                                        "terms_changed",
                                        "welcome_link"};
const std::vector<std::string> kLanguages = {"da", "en", "nb", "sv"};

// Every parameter any message takes.
json AllParams() {
    return {{"code", "493817"},
            {"link", "https://andel.example/reset-password?token=abc"},
            {"hours", 24},
            {"organisation", "Solgården"},
            {"method", "MitID"},
            {"deadline", "1 December 2026"},
            {"until", "16:30"},
            {"date", "2026-12-23"},
            {"version", "2027-1"},
            {"order_number", "P00000042"},
            {"customer", "Elsa Lindqvist"},
            {"address", "Vasagatan 12, 722 15 Västerås"},
            {"delivery", "2026-11-24 10:00-12:00"},
            {"total", "33,90 SEK"},
            {"lines", "- 2 Mellanmjölk 1 l\n"}};
}

const MessageCatalogue& Catalogue() { return MessageCatalogue::Embedded(); }

TEST(Templates, HasEveryMessageInEveryLanguage) {
    EXPECT_EQ(Catalogue().Keys(), kKeys);
    EXPECT_EQ(Catalogue().Languages(), kLanguages);
    for (const auto& key : kKeys) {
        for (const auto& language : kLanguages) {
            EXPECT_EQ(Catalogue().EffectiveLanguage(key, language), language) << key;
            auto r = Catalogue().Render(key, language, AllParams());
            ASSERT_TRUE(r.ok()) << key << "." << language << ": " << r.error().detail;
            EXPECT_FALSE(r->subject.empty()) << key << "." << language;
            EXPECT_FALSE(r->body.empty()) << key << "." << language;
            EXPECT_EQ(r->subject.find('\n'), std::string::npos) << key << "." << language;
        }
    }
}

TEST(Templates, TranslationsAreNotCopiesOfEnglish) {
    for (const auto& key : kKeys) {
        auto en = Catalogue().Render(key, "en", AllParams());
        ASSERT_TRUE(en.ok());
        for (const std::string language : {"da", "nb", "sv"}) {
            auto r = Catalogue().Render(key, language, AllParams());
            ASSERT_TRUE(r.ok());
            EXPECT_NE(r->subject, en->subject) << key << "." << language;
            EXPECT_NE(r->body, en->body) << key << "." << language;
        }
    }
}

TEST(Templates, EveryLanguageUsesTheSameParameters) {
    for (const auto& key : kKeys) {
        auto en = Catalogue().Render(key, "en", AllParams());
        ASSERT_TRUE(en.ok());
        const json params = AllParams();
        for (const auto& [name, value] : params.items()) {
            std::string text = value.is_string() ? value.get<std::string>() : value.dump();
            bool in_english = (en->subject + en->body).find(text) != std::string::npos;
            for (const std::string language : {"da", "nb", "sv"}) {
                auto r = Catalogue().Render(key, language, AllParams());
                ASSERT_TRUE(r.ok());
                EXPECT_EQ((r->subject + r->body).find(text) != std::string::npos, in_english)
                    << key << "." << language << " and English differ in using " << name;
            }
        }
    }
}

TEST(Templates, SubstitutesParametersWithoutEscaping) {
    auto r = Catalogue().Render("login_code", "da", {{"code", "493817"}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->body,
              "Din loginkode til Andel er 493817. Den gælder i 5 minutter. Del den aldrig med andre.");
    auto link =
        Catalogue().Render("reset_link", "sv", {{"link", "https://a.example/r?token=x&y=<z>"}, {"hours", 2}});
    ASSERT_TRUE(link.ok());
    EXPECT_NE(link->body.find("https://a.example/r?token=x&y=<z>"), std::string::npos);  // plain text
    EXPECT_NE(link->body.find("gäller i 2 timmar"), std::string::npos);
    auto welcome = Catalogue().Render("welcome_link", "nb", {{"organisation", "Solgården"}, {"link", "L"}});
    ASSERT_TRUE(welcome.ok());
    EXPECT_EQ(welcome->subject, "Velkommen til Solgården i Andel");
}

TEST(Templates, RefusesAMissingParameter) {
    auto r = Catalogue().Render("login_code", "en", json::object());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::ErrorCode::kInvalid);
    EXPECT_NE(r.error().detail.find("code"), std::string::npos);
    EXPECT_FALSE(Catalogue().Render("login_code", "en", {{"code", nullptr}}).ok());
    EXPECT_FALSE(Catalogue().Render("reset_link", "da", {{"link", "L"}}).ok());  // hours missing
    EXPECT_FALSE(Catalogue().Render("login_code", "en", {{"code", json::array({1})}}).ok());
    EXPECT_FALSE(Catalogue().Render("login_code", "en", json::array()).ok());
    EXPECT_TRUE(Catalogue().Render("staff_reset_sent", "en", json::object()).ok());  // takes none
}

TEST(Templates, UnknownLanguageFallsBackToEnglish) {
    auto en = Catalogue().Render("relogin_reminder", "en", AllParams());
    for (const std::string language : {"de", "", "fi"}) {
        auto r = Catalogue().Render("relogin_reminder", language, AllParams());
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->subject, en->subject);
        EXPECT_EQ(r->body, en->body);
        EXPECT_EQ(Catalogue().EffectiveLanguage("relogin_reminder", language), "en");
    }
}

TEST(Templates, RefusesAnUnknownKey) {
    auto r = Catalogue().Render("no_such_message", "en", AllParams());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::ErrorCode::kInvalid);
}

TEST(Templates, ParseRefusesABrokenCatalogue) {
    EXPECT_TRUE(MessageCatalogue::Parse("[a.en]\nsubject = \"s\"\nbody = \"b {{x}}\"\n").ok());
    EXPECT_FALSE(MessageCatalogue::Parse("[a.en]\nsubject = \"s\"\n").ok());               // no body
    EXPECT_FALSE(MessageCatalogue::Parse("[a.en]\nsubject = \"\"\nbody = \"b\"\n").ok());  // empty subject
    EXPECT_FALSE(MessageCatalogue::Parse("[a.en]\nsubject = \"s\"\nbody = \"{{#x}}\"\n").ok());  // unclosed
    EXPECT_FALSE(MessageCatalogue::Parse("a = 1\n").ok());
    EXPECT_FALSE(MessageCatalogue::Parse("[a.en\n").ok());
}

TEST(Templates, FindsTheVariablesOfATemplate) {
    EXPECT_EQ(TemplateVariables("a {{x}} b {{{ y }}} {{& z}} {{#s}}{{/s}} {{! note}} {{^t}}{{/t}}"),
              (std::vector<std::string>{"x", "y", "z"}));
    EXPECT_TRUE(TemplateVariables("no variables {here}").empty());
}

}  // namespace
}  // namespace andel::notify
