// The dispatcher on SQLite and PostgreSQL: claims due messages, sends them outside any transaction through
// the channels (local SMTP and SMS sinks here), retries with back-off, gives up after 8 attempts, fills the
// in-app inbox once, respects marketing choices (R_PRIV_1), and never sends a message twice when several
// dispatchers run at once.
#include "notify/dispatcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "notify/outbox.hpp"
#include "notify/sms_gateway.hpp"
#include "notify/smtp.hpp"
#include "notify_test_support.hpp"
#include "support/sms_sink.hpp"
#include "support/smtp_sink.hpp"
#include "test_support.hpp"

namespace andel::notify {
namespace {

using namespace std::chrono_literals;
using test::kNotifyNow;

class DispatcherTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        db_ = test::FreshDatabase(GetParam());
        smtp_.url = smtp_sink_.url();
        smtp_.from = "no-reply@andel.example";
        smtp_.timeout_ms = 5'000;
        sms_.url = sms_sink_.url();
        sms_.body_template = R"({"to":"{{to}}","text":"{{text}}"})";
        sms_.timeout_ms = 5'000;
    }

    Channels SinkChannels() {
        Channels ch;
        ch.email = [this](const std::string& to, const std::string& subject, const std::string& body) {
            return SendEmail(smtp_, to, subject, body);
        };
        ch.sms = [this](const std::string& to, const std::string&, const std::string& body) {
            return SendSms(sms_, to, body);
        };
        return ch;
    }

    int64_t EnqueueCommitted(const OutgoingMessage& m) {
        store::Transaction tx(*db_);
        auto r = Enqueue(tx.conn(), sealer_, m, clock_.Now());
        EXPECT_TRUE(r.ok()) << r.error().detail;
        tx.Commit();
        return r.ok() ? *r : 0;
    }

    static OutgoingMessage Sms(const std::string& code, const std::string& phone = "+4512345678") {
        OutgoingMessage m;
        m.channel = "sms";
        m.recipient = phone;
        m.template_key = "login_code";
        m.language = "da";
        m.params = {{"code", code}};
        return m;
    }

    static OutgoingMessage InApp(int64_t member, bool marketing) {
        OutgoingMessage m;
        m.member_id = member;
        m.channel = "inapp";
        m.template_key = "relogin_reminder";
        m.language = "sv";
        m.marketing = marketing;
        m.params = {{"method", "BankID"}, {"deadline", "1 december"}};
        return m;
    }

    std::unique_ptr<store::Database> db_;
    core::FixedClock clock_{core::FromMillis(kNotifyNow)};
    Sealer sealer_{test::kNotifySecret};
    test::SmtpSink smtp_sink_;
    test::SmsSink sms_sink_;
    SmtpSettings smtp_;
    SmsGatewaySettings sms_;
};

TEST_P(DispatcherTest, SendsDanishEmailIntactThroughSmtp) {
    OutgoingMessage m;
    m.channel = "email";
    m.recipient = "soren@example.dk";
    m.template_key = "reset_link";
    m.language = "da";
    m.params = {{"link", "https://andel.example/reset-password?token=abc"}, {"hours", 2}};
    int64_t id = EnqueueCommitted(m);

    Dispatcher dispatcher(*db_, clock_, sealer_, SinkChannels());
    auto report = dispatcher.RunOnce(10);
    EXPECT_EQ(report.claimed, 1);
    EXPECT_EQ(report.sent, 1);
    ASSERT_TRUE(smtp_sink_.WaitFor(1, 5s));
    auto mail = smtp_sink_.Messages().at(0);
    EXPECT_EQ(mail.to, std::vector<std::string>{"soren@example.dk"});
    // The subject arrives RFC 2047 encoded; the body as UTF-8 with CRLF line endings.
    EXPECT_NE(mail.data.find("Subject: =?UTF-8?B?"), std::string::npos);
    EXPECT_NE(mail.data.find("Vi har modtaget en anmodning om en ny adgangskode til din Andel-konto."),
              std::string::npos);
    EXPECT_NE(mail.data.find("\r\n\r\nhttps://andel.example/reset-password?token=abc\r\n\r\n"),
              std::string::npos);
    EXPECT_NE(mail.data.find("Linket gælder i 2 timer og kan kun bruges én gang."), std::string::npos);
    EXPECT_NE(mail.data.find("Din adgangskode forbliver uændret."), std::string::npos);

    auto row = test::OutboxRow(*db_, id);
    EXPECT_EQ(row.status, "sent");
    EXPECT_EQ(row.sent_at, kNotifyNow);
    EXPECT_EQ(row.attempts, 0);
    EXPECT_EQ(dispatcher.RunOnce(10).claimed, 0);  // sent once
}

TEST_P(DispatcherTest, SendsSmsWithTheGatewaysBodyTemplate) {
    int64_t id = EnqueueCommitted(Sms("493817"));
    Dispatcher dispatcher(*db_, clock_, sealer_, SinkChannels());
    EXPECT_EQ(dispatcher.RunOnce(10).sent, 1);
    ASSERT_EQ(sms_sink_.Messages().size(), 1u);
    auto j = nlohmann::json::parse(sms_sink_.Messages()[0].body);
    EXPECT_EQ(j["to"], "+4512345678");
    EXPECT_EQ(j["text"],
              "Din loginkode til Andel er 493817. Den gælder i 5 minutter. Del den aldrig med andre.");
    EXPECT_EQ(test::OutboxRow(*db_, id).status, "sent");

    // Nowhere in the outbox in clear, before or after sending (R_PRIV_5).
    auto c = db_->Read();
    for (const auto& row : c->Query("SELECT * FROM outbox"))
        for (size_t i = 0; i < row.size(); ++i)
            EXPECT_EQ(row.OptText(i).value_or("").find("493817"), std::string::npos) << *row.OptText(i);
}

TEST_P(DispatcherTest, RetriesWithBackoffWhenTheGatewayFails) {
    sms_sink_.FailNext(2);
    int64_t id = EnqueueCommitted(Sms("493817"));
    Dispatcher dispatcher(*db_, clock_, sealer_, SinkChannels());

    auto first = dispatcher.RunOnce(10);
    EXPECT_EQ(first.claimed, 1);
    EXPECT_EQ(first.retried, 1);
    auto row = test::OutboxRow(*db_, id);
    EXPECT_EQ(row.status, "pending");
    EXPECT_EQ(row.attempts, 1);
    EXPECT_EQ(row.next_attempt_at, kNotifyNow + 30'000);
    EXPECT_EQ(row.last_error, "gateway answered 503");
    EXPECT_FALSE(row.claimed_until.has_value());

    clock_.Advance(29'999ms);
    EXPECT_EQ(dispatcher.RunOnce(10).claimed, 0);  // not due yet
    clock_.Advance(1ms);
    EXPECT_EQ(dispatcher.RunOnce(10).retried, 1);
    row = test::OutboxRow(*db_, id);
    EXPECT_EQ(row.attempts, 2);
    EXPECT_EQ(row.next_attempt_at, kNotifyNow + 30'000 + 60'000);

    clock_.Advance(60'000ms);
    EXPECT_EQ(dispatcher.RunOnce(10).sent, 1);
    row = test::OutboxRow(*db_, id);
    EXPECT_EQ(row.status, "sent");
    EXPECT_EQ(row.attempts, 2);
    EXPECT_EQ(row.sent_at, kNotifyNow + 90'000);
    EXPECT_EQ(row.last_error, "");
    EXPECT_EQ(sms_sink_.Requests().size(), 3u);
    EXPECT_EQ(sms_sink_.Messages().size(), 1u);
}

TEST_P(DispatcherTest, FailsAfterEightAttempts) {
    sms_sink_.FailNext(100);
    int64_t id = EnqueueCommitted(Sms("493817"));
    Dispatcher dispatcher(*db_, clock_, sealer_, SinkChannels());
    const std::vector<int64_t> backoff_s = {30, 60, 120, 240, 480, 960, 1920};
    for (size_t attempt = 1; attempt <= 7; ++attempt) {
        auto report = dispatcher.RunOnce(10);
        EXPECT_EQ(report.retried, 1) << attempt;
        auto row = test::OutboxRow(*db_, id);
        EXPECT_EQ(row.attempts, static_cast<int64_t>(attempt));
        EXPECT_EQ(row.next_attempt_at, core::ToMillis(clock_.Now()) + backoff_s[attempt - 1] * 1000);
        EXPECT_EQ(Dispatcher::BackoffMs(static_cast<int64_t>(attempt)), backoff_s[attempt - 1] * 1000);
        clock_.Advance(std::chrono::seconds(backoff_s[attempt - 1]));
    }
    auto last = dispatcher.RunOnce(10);
    EXPECT_EQ(last.failed, 1);
    auto row = test::OutboxRow(*db_, id);
    EXPECT_EQ(row.status, "failed");
    EXPECT_EQ(row.attempts, 8);
    EXPECT_EQ(row.last_error, "gateway answered 503");
    clock_.Advance(24h);
    EXPECT_EQ(dispatcher.RunOnce(10).claimed, 0);
    EXPECT_EQ(sms_sink_.Requests().size(), 8u);
    EXPECT_EQ(Dispatcher::BackoffMs(20), 3'600'000);  // capped at an hour
}

TEST_P(DispatcherTest, PutsInAppMessagesInTheInboxOnce) {
    int64_t member = test::InsertMember(*db_, "Astrid");
    int64_t id = EnqueueCommitted(InApp(member, false));
    Dispatcher dispatcher(*db_, clock_, sealer_, Channels{});
    EXPECT_EQ(dispatcher.RunOnce(10).sent, 1);
    EXPECT_EQ(test::OutboxRow(*db_, id).status, "sent");

    // Delivered again (as after a node died between the inbox and the outbox): still one inbox message.
    {
        auto c = db_->Write();
        c->Execute("UPDATE outbox SET status = 'pending' WHERE id = $1", {store::Int(id)});
    }
    EXPECT_EQ(dispatcher.RunOnce(10).sent, 1);
    EXPECT_EQ(test::CountRows(*db_, "inbox_messages"), 1);

    auto c = db_->Read();
    auto inbox = ListInbox(*c, member, std::nullopt, 10);
    ASSERT_EQ(inbox.size(), 1u);
    EXPECT_EQ(inbox[0].subject, "Påminnelse: logga in i Andel");
    EXPECT_EQ(inbox[0].body, "Kom ihåg att logga in i Andel med BankID senast 1 december.");
    EXPECT_EQ(UnreadCount(*c, member), 1);
}

TEST_P(DispatcherTest, SuppressesMarketingTheMemberRefused_R_PRIV_1) {
    int64_t member = test::InsertMember(*db_, "Bodil");
    int64_t marketing = EnqueueCommitted(InApp(member, true));
    int64_t service = EnqueueCommitted(InApp(member, false));
    OutgoingMessage mail = InApp(member, true);
    mail.channel = "email";
    mail.recipient = "bodil@example.dk";
    int64_t marketing_mail = EnqueueCommitted(mail);

    std::vector<std::pair<int64_t, std::string>> asked;
    Dispatcher dispatcher(*db_, clock_, sealer_, SinkChannels(), [&](int64_t m, const std::string& channel) {
        asked.emplace_back(m, channel);
        return channel == "email";  // this member objects to marketing in the app, not by e-mail
    });
    auto report = dispatcher.RunOnce(10);
    EXPECT_EQ(report.claimed, 3);
    EXPECT_EQ(report.suppressed, 1);
    EXPECT_EQ(report.sent, 2);
    EXPECT_EQ(test::OutboxRow(*db_, marketing).status, "suppressed");
    EXPECT_EQ(test::OutboxRow(*db_, service).status, "sent");
    EXPECT_EQ(test::OutboxRow(*db_, marketing_mail).status, "sent");
    EXPECT_EQ(asked.size(), 2u);  // service messages are not marketing: never asked about
    EXPECT_EQ(test::CountRows(*db_, "inbox_messages"), 1);
    EXPECT_EQ(smtp_sink_.Messages().size(), 1u);
}

TEST_P(DispatcherTest, LeavesChannelsItCannotSendForOthers) {
    int64_t id = EnqueueCommitted(Sms("493817"));
    Channels email_only;
    email_only.email = [](const std::string&, const std::string&, const std::string&) { return core::Ok(); };
    Dispatcher dispatcher(*db_, clock_, sealer_, email_only);
    EXPECT_EQ(dispatcher.RunOnce(10).claimed, 0);
    EXPECT_EQ(test::OutboxRow(*db_, id).status, "pending");
}

TEST_P(DispatcherTest, ReclaimsAMessageADeadDispatcherClaimed) {
    int64_t id = EnqueueCommitted(Sms("493817"));
    {
        store::Transaction tx(*db_);  // a dispatcher that claimed and then died
        ASSERT_EQ(
            store::OutboxRepository(tx.conn()).ClaimDue(kNotifyNow, kNotifyNow + 60'000, 10, {"sms"}).size(),
            1u);
        tx.Commit();
    }
    Dispatcher dispatcher(*db_, clock_, sealer_, SinkChannels());
    EXPECT_EQ(dispatcher.RunOnce(10).claimed, 0);  // still claimed
    clock_.Advance(60s);
    EXPECT_EQ(dispatcher.RunOnce(10).sent, 1);
    EXPECT_EQ(test::OutboxRow(*db_, id).status, "sent");
}

TEST_P(DispatcherTest, GivesBackWhatItCannotSendBeforeItsClaimRunsOut) {
    int64_t first = EnqueueCommitted(Sms("111111"));
    int64_t second = EnqueueCommitted(Sms("222222"));
    Channels slow;
    slow.sms = [this](const std::string&, const std::string&, const std::string&) {
        clock_.Advance(50s);  // a slow gateway: little of the 60 s claim is left for the next message
        return core::Ok();
    };
    Dispatcher dispatcher(*db_, clock_, sealer_, slow);
    auto report = dispatcher.RunOnce(10);
    EXPECT_EQ(report.sent, 1);
    EXPECT_EQ(report.released, 1);
    EXPECT_EQ(test::OutboxRow(*db_, first).status, "sent");
    EXPECT_EQ(test::OutboxRow(*db_, second).status, "pending");
    EXPECT_EQ(dispatcher.RunOnce(10).sent, 1);
}

TEST_P(DispatcherTest, FailsAMessageSealedUnderAnotherKey) {
    Sealer old_key("the old deployment secret, rotated away since then");
    int64_t id = 0;
    {
        store::Transaction tx(*db_);
        auto r = Enqueue(tx.conn(), old_key, Sms("493817"), clock_.Now());
        ASSERT_TRUE(r.ok());
        id = *r;
        tx.Commit();
    }
    Dispatcher dispatcher(*db_, clock_, sealer_, SinkChannels());
    EXPECT_EQ(dispatcher.RunOnce(10).failed, 1);
    EXPECT_EQ(test::OutboxRow(*db_, id).status, "failed");
    EXPECT_TRUE(sms_sink_.Requests().empty());
}

TEST_P(DispatcherTest, ConcurrentDispatchersSendEachMessageOnce) {
    constexpr int kMessages = 200;
    for (int i = 0; i < kMessages; ++i) EnqueueCommitted(Sms(std::to_string(100000 + i)));
    auto run = [&] {
        Dispatcher dispatcher(*db_, clock_, sealer_, SinkChannels());
        while (dispatcher.RunOnce(7).claimed > 0) {
        }
    };
    std::thread a(run), b(run);
    a.join();
    b.join();
    ASSERT_TRUE(sms_sink_.WaitFor(kMessages, 10s));
    auto sent = sms_sink_.Messages();
    EXPECT_EQ(sent.size(), static_cast<size_t>(kMessages));
    std::set<std::string> texts;
    for (const auto& m : sent) texts.insert(nlohmann::json::parse(m.body)["text"].get<std::string>());
    EXPECT_EQ(texts.size(), static_cast<size_t>(kMessages));
    auto c = db_->Read();
    EXPECT_EQ(c->QueryOne("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")->Int(0), kMessages);
}

// Named "Dispatcher/..." so the notify filter (Dispatcher*) selects it.
INSTANTIATE_TEST_SUITE_P(Dispatcher, DispatcherTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::notify
