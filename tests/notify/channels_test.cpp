// The channels messages leave by: e-mail over SMTP and SMS over an HTTP gateway, each against a local sink
// on 127.0.0.1.
#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <string>

#include "notify/sms_gateway.hpp"
#include "notify/smtp.hpp"
#include "support/sms_sink.hpp"
#include "support/smtp_sink.hpp"

namespace andel::notify {
namespace {

using namespace std::chrono_literals;

// The decoded value of an RFC 2047 header made of "=?UTF-8?B?...?=" words (folded with CRLF SP).
std::string DecodeHeader(const std::string& value) {
    std::string out;
    size_t pos = 0;
    while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
        size_t start = pos + 10;
        size_t end = value.find("?=", start);
        std::string b64 = value.substr(start, end - start);
        std::string raw(b64.size(), '\0');
        size_t len = 0;
        sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), b64.data(), b64.size(),
                          nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL);
        out.append(raw.data(), len);
        pos = end + 2;
    }
    return out;
}

// The value of header `name` in a raw message, unfolded.
std::string Header(const std::string& raw, const std::string& name) {
    size_t pos = raw.find(name + ": ");
    if (pos == std::string::npos) return {};
    std::string value;
    size_t i = pos + name.size() + 2;
    for (;;) {
        size_t eol = raw.find("\r\n", i);
        value += raw.substr(i, eol - i);
        if (raw.compare(eol + 2, 1, " ") != 0) break;
        value += "\r\n";
        i = eol + 2;
    }
    return value;
}

std::string BodyOf(const std::string& raw) { return raw.substr(raw.find("\r\n\r\n") + 4); }

SmtpSettings Smtp(const test::SmtpSink& sink) {
    SmtpSettings s;
    s.url = sink.url();
    s.from = "no-reply@andel.example";
    s.timeout_ms = 5'000;
    return s;
}

TEST(NotifySmtp, DeliversUtf8MailThroughTheSink) {
    test::SmtpSink sink;
    const std::string subject =
        "Vælg en ny adgangskode til Andel – æøå ÆØÅ, a long subject that needs folding";
    const std::string body =
        "Hej Søren\n\nBrug dette link: https://andel.example/r?t=1\n.\n..two dots\nFarvel";
    ASSERT_TRUE(SendEmail(Smtp(sink), "soren@example.dk", subject, body).ok());
    ASSERT_TRUE(sink.WaitFor(1, 5s));
    auto m = sink.Messages().at(0);
    EXPECT_EQ(m.from, "no-reply@andel.example");
    ASSERT_EQ(m.to.size(), 1u);
    EXPECT_EQ(m.to[0], "soren@example.dk");
    EXPECT_EQ(Header(m.data, "From"), "no-reply@andel.example");
    EXPECT_EQ(Header(m.data, "To"), "soren@example.dk");
    EXPECT_EQ(DecodeHeader(Header(m.data, "Subject")), subject);
    EXPECT_EQ(Header(m.data, "Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(Header(m.data, "Content-Transfer-Encoding"), "8bit");
    EXPECT_EQ(Header(m.data, "MIME-Version"), "1.0");
    EXPECT_NE(Header(m.data, "Date").find(" +0000"), std::string::npos);
    EXPECT_NE(Header(m.data, "Message-ID").find("@andel.example>"), std::string::npos);
    // CRLF line endings; the lone dot and the leading dots survive dot-stuffing.
    EXPECT_EQ(
        BodyOf(m.data),
        "Hej Søren\r\n\r\nBrug dette link: https://andel.example/r?t=1\r\n.\r\n..two dots\r\nFarvel\r\n");
}

TEST(NotifySmtp, EncodesOnlyNonAsciiSubjectsInShortWords) {
    EXPECT_EQ(EncodeHeaderValue("Plain subject"), "Plain subject");
    std::string long_utf8;
    for (int i = 0; i < 40; ++i) long_utf8 += "æ";
    auto encoded = EncodeHeaderValue(long_utf8);
    EXPECT_EQ(DecodeHeader(encoded), long_utf8);
    size_t start = 0;
    while (start < encoded.size()) {
        size_t end = encoded.find("\r\n ", start);
        std::string word = encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
        EXPECT_LE(word.size(), 75u);
        if (end == std::string::npos) break;
        start = end + 3;
    }
}

TEST(NotifySmtp, RefusesHeaderInjection) {
    test::SmtpSink sink;
    EXPECT_EQ(SendEmail(Smtp(sink), "a@example.dk\r\nBcc: b@example.dk", "s", "b").error().code,
              core::ErrorCode::kInvalid);
    EXPECT_EQ(SendEmail(Smtp(sink), "a@example.dk", "s\r\nBcc: b@example.dk", "b").error().code,
              core::ErrorCode::kInvalid);
    EXPECT_EQ(SendEmail(Smtp(sink), "a@example.dk", "s\nX: y", "b").error().code, core::ErrorCode::kInvalid);
    EXPECT_EQ(SendEmail(Smtp(sink), "<a@example.dk>", "s", "b").error().code, core::ErrorCode::kInvalid);
    EXPECT_TRUE(sink.Messages().empty());
}

TEST(NotifySmtp, ReportsAnUnreachableServer) {
    SmtpSettings s;
    {
        test::SmtpSink gone;
        s = Smtp(gone);
    }
    auto r = SendEmail(s, "a@example.dk", "s", "the body");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable);
    EXPECT_EQ(r.error().detail.find("the body"), std::string::npos);
}

SmsGatewaySettings Sms(const test::SmsSink& sink) {
    SmsGatewaySettings s;
    s.url = sink.url();
    s.body_template = R"({"to":"{{to}}","text":"{{text}}","sender":"Andel"})";
    s.authorization = "Bearer test-token";
    s.timeout_ms = 5'000;
    return s;
}

TEST(NotifySms, PostsTheBodyTemplateWithEscapedValues) {
    test::SmsSink sink;
    const std::string text = "Din kode er \"493817\".\nDen gælder i 5 minutter. \\ </>";
    ASSERT_TRUE(SendSms(Sms(sink), "+4512345678", text).ok());
    ASSERT_TRUE(sink.WaitFor(1, 5s));
    auto m = sink.Messages().at(0);
    EXPECT_EQ(m.method, "POST");
    EXPECT_EQ(m.path, "/sms");
    EXPECT_EQ(m.content_type, "application/json");
    EXPECT_EQ(m.authorization, "Bearer test-token");
    auto j = nlohmann::json::parse(m.body);
    EXPECT_EQ(j["to"], "+4512345678");
    EXPECT_EQ(j["text"], text);
    EXPECT_EQ(j["sender"], "Andel");
}

TEST(NotifySms, FormEncodesForAFormGateway) {
    SmsGatewaySettings s;
    s.body_template = "to={{to}}&message={{text}}";
    s.content_type = "application/x-www-form-urlencoded";
    auto body = SmsRequestBody(s, "+4512345678", "kode 12 & mere");
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(*body, "to=%2B4512345678&message=kode%2012%20%26%20mere");
}

TEST(NotifySms, ReportsTheGatewaysStatus) {
    test::SmsSink sink;
    sink.FailNext(1);
    auto r = SendSms(Sms(sink), "+4512345678", "secret text 493817");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().detail, "gateway answered 503");
    EXPECT_TRUE(SendSms(Sms(sink), "+4512345678", "again").ok());
    EXPECT_EQ(sink.Requests().size(), 2u);
    EXPECT_EQ(sink.Messages().size(), 1u);
}

TEST(NotifySms, RefusesAnInvalidBodyTemplate) {
    SmsGatewaySettings s;
    s.body_template = "{{#to}}";
    EXPECT_FALSE(SmsRequestBody(s, "+4512345678", "x").ok());
}

}  // namespace
}  // namespace andel::notify
