// The outbox on SQLite and PostgreSQL: messages written in the caller's transaction, validated and rendered
// at once, stored sealed (R_PRIV_5), listed opened for operators; and the in-app inbox.
#include "notify/outbox.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "notify/templates.hpp"
#include "notify_test_support.hpp"
#include "test_support.hpp"

namespace andel::notify {
namespace {

using test::kNotifyNow;

class OutboxTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        db_ = test::FreshDatabase(GetParam());
    }

    static OutgoingMessage LoginCode(const std::string& code, const std::string& phone = "+4512345678") {
        OutgoingMessage m;
        m.channel = "sms";
        m.recipient = phone;
        m.template_key = "login_code";
        m.language = "da";
        m.params = {{"code", code}};
        return m;
    }

    // Enqueues in a transaction of its own, committed when the enqueue succeeds.
    core::Result<int64_t> EnqueueCommitted(const OutgoingMessage& m) {
        store::Transaction tx(*db_);
        auto r = Enqueue(tx.conn(), sealer_, m, core::FromMillis(kNotifyNow));
        if (r.ok()) tx.Commit();
        return r;
    }

    std::unique_ptr<store::Database> db_;
    Sealer sealer_{test::kNotifySecret};
};

TEST_P(OutboxTest, EnqueueIsPartOfTheCallersTransaction) {
    {
        store::Transaction tx(*db_);
        ASSERT_TRUE(Enqueue(tx.conn(), sealer_, LoginCode("111111"), core::FromMillis(kNotifyNow)).ok());
        // rolled back: the change that caused the message did not happen, so neither does the message
    }
    EXPECT_EQ(test::CountRows(*db_, "outbox"), 0);
    auto id = EnqueueCommitted(LoginCode("222222"));
    ASSERT_TRUE(id.ok());
    auto row = test::OutboxRow(*db_, *id);
    EXPECT_EQ(row.status, "pending");
    EXPECT_EQ(row.channel, "sms");
    EXPECT_EQ(row.recipient, "+4512345678");
    EXPECT_EQ(row.template_key, "login_code");
    EXPECT_EQ(row.language, "da");
    EXPECT_EQ(row.attempts, 0);
    EXPECT_EQ(row.next_attempt_at, kNotifyNow);
    EXPECT_EQ(row.created_at, kNotifyNow);
    EXPECT_FALSE(row.sent_at.has_value());
}

TEST_P(OutboxTest, TheCodeIsNotStoredInClear_R_PRIV_5) {
    const std::string code = "493817";
    ASSERT_TRUE(EnqueueCommitted(LoginCode(code)).ok());
    auto c = db_->Read();
    auto rows = c->Query("SELECT * FROM outbox");
    ASSERT_EQ(rows.size(), 1u);
    for (size_t i = 0; i < rows[0].size(); ++i) {
        auto cell = rows[0].OptText(i).value_or("");
        EXPECT_EQ(cell.find(code), std::string::npos) << "column " << i << ": " << cell;
    }
    // Operators (the demo's /dev/outbox) see it opened.
    auto listed = ListOutbox(*c, sealer_, 0, 10);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].body,
              "Din loginkode til Andel er 493817. Den gælder i 5 minutter. Del den aldrig med andre.");
    EXPECT_EQ(listed[0].subject, "Din loginkode til Andel");
}

TEST_P(OutboxTest, RefusesBadRecipientsAndRenderingErrors) {
    auto refused = [&](OutgoingMessage m, const std::string& field) {
        auto r = EnqueueCommitted(m);
        if (r.ok()) return ::testing::AssertionFailure() << "accepted";
        if (r.error().code != core::ErrorCode::kInvalid || r.error().field != field)
            return ::testing::AssertionFailure() << "field " << r.error().field << ": " << r.error().detail;
        return ::testing::AssertionSuccess();
    };
    EXPECT_TRUE(refused(LoginCode("1", "12345678"), "recipient"));           // no +
    EXPECT_TRUE(refused(LoginCode("1", "+1234567"), "recipient"));           // 7 digits
    EXPECT_TRUE(refused(LoginCode("1", "+1234567890123456"), "recipient"));  // 16 digits
    EXPECT_TRUE(refused(LoginCode("1", "+45 1234 5678"), "recipient"));
    OutgoingMessage email = LoginCode("1");
    email.channel = "email";
    for (const std::string bad : {"no-at.example", "a@b@example.dk", "@example.dk", "a@", "a b@example.dk",
                                  "a@example.dk\r\nBcc: x@y.z", "<a@example.dk>"}) {
        email.recipient = bad;
        EXPECT_TRUE(refused(email, "recipient")) << bad;
    }
    OutgoingMessage inapp = LoginCode("1");
    inapp.channel = "inapp";
    EXPECT_TRUE(refused(inapp, "member_id"));
    inapp.member_id = test::InsertMember(*db_, "Ida");
    EXPECT_TRUE(refused(inapp, "channel"));  // a code would lie in clear in the inbox (R_PRIV_5)
    OutgoingMessage fax = LoginCode("1");
    fax.channel = "fax";
    EXPECT_TRUE(refused(fax, "channel"));
    OutgoingMessage unknown = LoginCode("1");
    unknown.template_key = "no_such_message";
    EXPECT_TRUE(refused(unknown, "template"));
    OutgoingMessage missing = LoginCode("1");
    missing.params = nlohmann::json::object();
    EXPECT_TRUE(refused(missing, "params"));
    EXPECT_EQ(test::CountRows(*db_, "outbox"), 0);

    email.recipient = "soren@example.dk";
    EXPECT_TRUE(EnqueueCommitted(email).ok());
    EXPECT_TRUE(EnqueueCommitted(LoginCode("1", "+123456789012345")).ok());
}

TEST_P(OutboxTest, StoresTheLanguageUsed) {
    OutgoingMessage m = LoginCode("1");
    m.language = "de";
    auto id = EnqueueCommitted(m);
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(test::OutboxRow(*db_, *id).language, "en");
}

TEST_P(OutboxTest, ListsNewestFirstByPageAndRecipient) {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(EnqueueCommitted(LoginCode(std::to_string(100000 + i))).ok());
    ASSERT_TRUE(EnqueueCommitted(LoginCode("999999", "+4587654321")).ok());
    auto c = db_->Read();
    auto first = ListOutbox(*c, sealer_, 0, 3);
    ASSERT_EQ(first.size(), 3u);
    EXPECT_GT(first[0].id, first[1].id);
    EXPECT_EQ(first[0].recipient, "+4587654321");
    auto rest = ListOutbox(*c, sealer_, first.back().id, 10);
    ASSERT_EQ(rest.size(), 3u);
    EXPECT_LT(rest[0].id, first.back().id);
    auto one = ListOutbox(*c, sealer_, 0, 10, std::string("+4587654321"));
    ASSERT_EQ(one.size(), 1u);
    EXPECT_NE(one[0].body.find("999999"), std::string::npos);
    EXPECT_EQ(ListOutbox(*c, sealer_, 0, 10, std::string("+4512345678")).size(), 5u);
    // Sealed under another key: listed, but not opened.
    Sealer other("another deployment secret, also long enough to use");
    auto unopened = ListOutbox(*c, other, 0, 1);
    ASSERT_EQ(unopened.size(), 1u);
    EXPECT_TRUE(unopened[0].body.empty());
}

TEST_P(OutboxTest, InboxIsPerMemberWithUnreadCount) {
    int64_t anna = test::InsertMember(*db_, "Anna");
    int64_t bo = test::InsertMember(*db_, "Bo");
    {
        store::Transaction tx(*db_);
        store::OutboxRepository repo(tx.conn());
        for (int i = 0; i < 3; ++i)
            EXPECT_TRUE(repo.InsertInbox(
                {0, anna, std::nullopt, "s" + std::to_string(i), "b", kNotifyNow + i, std::nullopt}));
        EXPECT_TRUE(repo.InsertInbox({0, bo, std::nullopt, "for bo", "b", kNotifyNow, std::nullopt}));
        tx.Commit();
    }
    auto c = db_->Write();
    auto inbox = ListInbox(*c, anna, std::nullopt, 2);
    ASSERT_EQ(inbox.size(), 2u);
    EXPECT_EQ(inbox[0].subject, "s2");
    EXPECT_EQ(inbox[0].created_at, core::FromMillis(kNotifyNow + 2));
    auto older = ListInbox(*c, anna, inbox[1].id, 10);
    ASSERT_EQ(older.size(), 1u);
    EXPECT_EQ(older[0].subject, "s0");
    EXPECT_EQ(UnreadCount(*c, anna), 3);
    EXPECT_FALSE(MarkInboxRead(*c, bo, inbox[0].id, core::FromMillis(kNotifyNow)));  // not Bo's
    EXPECT_TRUE(MarkInboxRead(*c, anna, inbox[0].id, core::FromMillis(kNotifyNow + 10)));
    EXPECT_FALSE(MarkInboxRead(*c, anna, inbox[0].id, core::FromMillis(kNotifyNow + 20)));  // already read
    EXPECT_EQ(UnreadCount(*c, anna), 2);
    EXPECT_EQ(UnreadCount(*c, bo), 1);
    auto again = ListInbox(*c, anna, std::nullopt, 1);
    ASSERT_TRUE(again[0].read_at.has_value());
    EXPECT_EQ(*again[0].read_at, core::FromMillis(kNotifyNow + 10));
}

// Named "Outbox/..." so the notify filter (Outbox*) selects it.
INSTANTIATE_TEST_SUITE_P(Outbox, OutboxTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::notify
