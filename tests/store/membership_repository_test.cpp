// MembershipRepository on SQLite and PostgreSQL (STYLE.md: storage tests run on both engines). The same
// SQL, the same answers; unique-key clashes come back as values (Conflict or R_MEM_5), never as exceptions.
#include "store/membership/membership_repository.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace andel::store {
namespace {

using core::ErrorCode;

constexpr int64_t kNow = 1'795'428'000'000;  // 2026-11-23T10:00:00Z

class MembershipRepositoryTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        db_ = test::FreshDatabase(GetParam());
        // Autocommit: each statement stands alone, so a refused insert leaves the connection usable on
        // PostgreSQL too (inside a transaction it would abort the transaction).
        lease_ = std::make_unique<ConnectionLease>(db_->Write());
        repo_ = std::make_unique<MembershipRepository>(lease_->get());
    }
    void TearDown() override {
        repo_.reset();
        lease_.reset();
        db_.reset();
    }

    int64_t Coop(const std::string& market, const std::string& code) {
        return repo_->InsertCooperative({0, market, code, "Coop " + code}, kNow);
    }
    int64_t Store(int64_t coop, const std::string& code) {
        return repo_->InsertStore({0, coop, code, "Store " + code, "City " + code}, kNow);
    }
    PersonRecord Person(const std::string& first, const std::string& last, const std::string& hash) {
        PersonRecord p;
        p.market = "se";
        p.national_id_hash = hash;
        p.first_name = first;
        p.last_name = last;
        p.birth_date = "1980-05-17";
        p.street = "Storgatan 1";
        p.postal_code = "722 11";
        p.city = "Västerås";
        return p;
    }
    int64_t InsertPerson(const std::string& first, const std::string& last, const std::string& hash) {
        auto id = repo_->InsertPerson(Person(first, last, hash), kNow);
        EXPECT_TRUE(id.ok());
        return id.ok() ? *id : 0;
    }
    MemberRecord Member(int64_t person_id, const std::string& number) {
        MemberRecord m;
        m.person_id = person_id;
        m.member_number = number;
        m.kind = "member";
        m.status = "active";
        m.market = "se";
        m.share_paid_minor = 10000;
        m.share_paid_at = kNow;
        m.joined_at = kNow;
        return m;
    }
    int64_t InsertMember(int64_t person_id, const std::string& number) {
        auto id = repo_->InsertMember(Member(person_id, number));
        EXPECT_TRUE(id.ok());
        return id.ok() ? *id : 0;
    }
    // A person with a membership, in one go.
    int64_t NewMember(const std::string& first, const std::string& last, const std::string& number) {
        return InsertMember(InsertPerson(first, last, "hash-" + number), number);
    }
    CardRecord Card(int64_t member_id, const std::string& number, const std::string& status = "active") {
        CardRecord c;
        c.card_number = number;
        c.member_id = member_id;
        c.status = status;
        c.issued_at = kNow;
        return c;
    }

    std::unique_ptr<Database> db_;
    std::unique_ptr<ConnectionLease> lease_;
    std::unique_ptr<MembershipRepository> repo_;
};

TEST_P(MembershipRepositoryTest, InsertsAndFindsCooperativesAndStores) {
    int64_t malardalen = Coop("se", "se-malardalen");
    int64_t norrland = Coop("se", "se-norrland");
    int64_t fyn = Coop("dk", "dk-fyn");

    auto found = repo_->FindCooperative(malardalen);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->market, "se");
    EXPECT_EQ(found->code, "se-malardalen");
    EXPECT_EQ(found->name, "Coop se-malardalen");
    auto by_code = repo_->FindCooperativeByCode("dk-fyn");
    ASSERT_TRUE(by_code);
    EXPECT_EQ(by_code->id, fyn);
    EXPECT_FALSE(repo_->FindCooperative(fyn + 100));
    EXPECT_FALSE(repo_->FindCooperativeByCode("nowhere"));

    auto se = repo_->ListCooperatives("se");
    ASSERT_EQ(se.size(), 2u);
    EXPECT_EQ(se[0].id, malardalen);
    EXPECT_EQ(se[1].id, norrland);
    EXPECT_EQ(repo_->ListCooperatives("").size(), 3u);
    EXPECT_TRUE(repo_->ListCooperatives("no").empty());

    int64_t vasteras = Store(malardalen, "se-vasteras-1");
    Store(malardalen, "se-eskilstuna-1");
    int64_t umea = Store(norrland, "se-umea-1");
    auto store = repo_->FindStore(vasteras);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->cooperative_id, malardalen);
    EXPECT_EQ(store->code, "se-vasteras-1");
    EXPECT_EQ(store->city, "City se-vasteras-1");
    auto umea_found = repo_->FindStoreByCode("se-umea-1");
    ASSERT_TRUE(umea_found);
    EXPECT_EQ(umea_found->id, umea);
    EXPECT_FALSE(repo_->FindStoreByCode("se-nowhere-1"));
    EXPECT_FALSE(repo_->FindStore(umea + 100));

    auto in_malardalen = repo_->ListStores(malardalen);
    ASSERT_EQ(in_malardalen.size(), 2u);
    EXPECT_EQ(in_malardalen[0].code, "se-eskilstuna-1");  // by code
    EXPECT_EQ(in_malardalen[1].code, "se-vasteras-1");
    EXPECT_EQ(repo_->ListStores(std::nullopt).size(), 3u);
}

TEST_P(MembershipRepositoryTest, FindsMemberByIdNumberCardAndNationalIdHash_R_MEM_6_R_CARD_2) {
    int64_t coop = Coop("se", "se-malardalen");
    int64_t store = Store(coop, "se-vasteras-1");
    PersonRecord p = Person("Astrid", "Lindgren", "hash-astrid");
    p.email = "astrid@example.se";
    p.phone = "+46701234567";
    auto person_id = repo_->InsertPerson(p, kNow);
    ASSERT_TRUE(person_id.ok());
    MemberRecord m = Member(*person_id, "10000009");
    m.cooperative_id = coop;
    m.home_store_id = store;
    auto member_id = repo_->InsertMember(m);
    ASSERT_TRUE(member_id.ok());
    ASSERT_TRUE(repo_->InsertCard(Card(*member_id, "6047000000000017")).ok());

    auto found = repo_->FindMember(*member_id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->person_id, *person_id);
    EXPECT_EQ(found->member_number, "10000009");
    EXPECT_EQ(found->kind, "member");
    EXPECT_EQ(found->status, "active");
    EXPECT_EQ(found->market, "se");
    EXPECT_EQ(found->cooperative_id, coop);
    EXPECT_EQ(found->home_store_id, store);
    EXPECT_EQ(found->share_paid_minor, 10000);
    EXPECT_EQ(found->share_paid_at, kNow);
    EXPECT_FALSE(found->new_login_at);
    EXPECT_FALSE(found->is_demo);
    EXPECT_EQ(found->joined_at, kNow);
    EXPECT_FALSE(found->ended_at);
    EXPECT_FALSE(found->household_id);
    EXPECT_EQ(found->version, 1);
    EXPECT_EQ(found->person.first_name, "Astrid");
    EXPECT_EQ(found->person.last_name, "Lindgren");
    EXPECT_EQ(found->person.birth_date, "1980-05-17");
    EXPECT_EQ(found->person.email, "astrid@example.se");
    EXPECT_EQ(found->person.phone, "+46701234567");
    EXPECT_EQ(found->person.national_id_hash, "hash-astrid");
    EXPECT_EQ(found->person.city, "Västerås");

    auto by_number = repo_->FindMemberByNumber("10000009");
    ASSERT_TRUE(by_number);
    EXPECT_EQ(by_number->id, *member_id);
    auto by_card = repo_->FindMemberByCard("6047000000000017");
    ASSERT_TRUE(by_card);
    EXPECT_EQ(by_card->id, *member_id);
    auto by_hash = repo_->FindMemberByNationalIdHash("hash-astrid");
    ASSERT_TRUE(by_hash);
    EXPECT_EQ(by_hash->id, *member_id);
    EXPECT_TRUE(repo_->PersonExistsWithNationalIdHash("hash-astrid"));

    EXPECT_FALSE(repo_->FindMember(*member_id + 100));
    EXPECT_FALSE(repo_->FindMemberByNumber("10000016"));
    EXPECT_FALSE(repo_->FindMemberByCard("6047000000000025"));
    EXPECT_FALSE(repo_->FindMemberByNationalIdHash("hash-nobody"));
    EXPECT_FALSE(repo_->PersonExistsWithNationalIdHash("hash-nobody"));
}

TEST_P(MembershipRepositoryTest, SamePersonTwiceIsR_MEM_5NotAnException) {
    InsertPerson("Astrid", "Lindgren", "hash-1");
    auto again = repo_->InsertPerson(Person("Astrid", "Lindgren", "hash-1"), kNow);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kRuleRefused);
    EXPECT_EQ(again.error().rule, "R_MEM_5");
    // The connection is still usable after the refused statement.
    EXPECT_TRUE(repo_->PersonExistsWithNationalIdHash("hash-1"));
    EXPECT_EQ(lease_->get().QueryOne("SELECT COUNT(*) FROM persons")->Int(0), 1);
}

TEST_P(MembershipRepositoryTest, DuplicateEmailOrPhoneIsConflict) {
    PersonRecord a = Person("Astrid", "Lindgren", "hash-a");
    a.email = "same@example.se";
    a.phone = "+46700000001";
    ASSERT_TRUE(repo_->InsertPerson(a, kNow).ok());

    PersonRecord b = Person("Bertil", "Lindgren", "hash-b");
    b.email = "same@example.se";
    auto email_clash = repo_->InsertPerson(b, kNow);
    ASSERT_FALSE(email_clash.ok());
    EXPECT_EQ(email_clash.error().code, ErrorCode::kConflict);
    EXPECT_NE(email_clash.error().detail.find("e-mail"), std::string::npos);

    b.email = std::nullopt;
    b.phone = "+46700000001";
    auto phone_clash = repo_->InsertPerson(b, kNow);
    ASSERT_FALSE(phone_clash.ok());
    EXPECT_EQ(phone_clash.error().code, ErrorCode::kConflict);
    EXPECT_NE(phone_clash.error().detail.find("phone"), std::string::npos);

    // Several persons without e-mail or phone are fine (NULL is not a clash).
    b.phone = std::nullopt;
    ASSERT_TRUE(repo_->InsertPerson(b, kNow).ok());
    ASSERT_TRUE(repo_->InsertPerson(Person("Cecilia", "Lindgren", "hash-c"), kNow).ok());

    // Changing contact data to someone else's e-mail is a Conflict too.
    auto c = repo_->FindMemberByNationalIdHash("hash-c");
    EXPECT_FALSE(c);  // a person, not a member
    PersonRecord update = Person("Bertil", "Lindgren", "hash-b");
    update.id = lease_->get().QueryOne("SELECT id FROM persons WHERE national_id_hash = 'hash-b'")->Int(0);
    update.email = "same@example.se";
    auto update_clash = repo_->UpdatePersonContact(update, kNow);
    ASSERT_FALSE(update_clash.ok());
    EXPECT_EQ(update_clash.error().code, ErrorCode::kConflict);
    update.email = "bertil@example.se";
    EXPECT_TRUE(repo_->UpdatePersonContact(update, kNow + 1).ok());
    EXPECT_EQ(lease_->get()
                  .QueryOne("SELECT email, updated_at FROM persons WHERE id = $1", {Int(update.id)})
                  ->Text(0),
              "bertil@example.se");
}

TEST_P(MembershipRepositoryTest, SecondMembershipOfAPersonIsR_MEM_5AndTakenNumberIsConflict) {
    int64_t person = InsertPerson("Astrid", "Lindgren", "hash-1");
    InsertMember(person, "10000009");

    auto second = repo_->InsertMember(Member(person, "10000016"));
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, ErrorCode::kRuleRefused);
    EXPECT_EQ(second.error().rule, "R_MEM_5");

    int64_t other = InsertPerson("Bertil", "Lindgren", "hash-2");
    auto taken = repo_->InsertMember(Member(other, "10000009"));
    ASSERT_FALSE(taken.ok());
    EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
    EXPECT_EQ(lease_->get().QueryOne("SELECT COUNT(*) FROM members")->Int(0), 1);
}

TEST_P(MembershipRepositoryTest, TakenCardNumberAndTermsVersionAreConflicts) {
    int64_t member = NewMember("Astrid", "Lindgren", "10000009");
    ASSERT_TRUE(repo_->InsertCard(Card(member, "6047000000000017")).ok());
    auto card = repo_->InsertCard(Card(member, "6047000000000017"));
    ASSERT_FALSE(card.ok());
    EXPECT_EQ(card.error().code, ErrorCode::kConflict);

    ASSERT_TRUE(repo_->InsertTerms({0, "se", "2026-1", "First", false, kNow, "", std::nullopt}).ok());
    auto terms = repo_->InsertTerms({0, "se", "2026-1", "Again", true, kNow + 1, "", std::nullopt});
    ASSERT_FALSE(terms.ok());
    EXPECT_EQ(terms.error().code, ErrorCode::kConflict);
    // The same version in another market is another document.
    EXPECT_TRUE(repo_->InsertTerms({0, "dk", "2026-1", "Første", false, kNow, "", std::nullopt}).ok());
}

TEST_P(MembershipRepositoryTest, ReserveSequenceHandsOutConsecutiveBlocks) {
    int64_t first = repo_->ReserveSequence("member");
    EXPECT_EQ(first, 1'000'000);  // the migration's start: 7-digit member number bodies (R_MEM_6)
    int64_t block = repo_->ReserveSequence("member", 5);
    EXPECT_EQ(block, first + 1);
    EXPECT_EQ(repo_->ReserveSequence("member"), block + 5);
    EXPECT_EQ(repo_->ReserveSequence("member", 3), block + 6);
    EXPECT_EQ(repo_->ReserveSequence("member"), block + 9);

    // Sequences are independent.
    int64_t card = repo_->ReserveSequence("card", 10);
    EXPECT_EQ(card, 1);
    EXPECT_EQ(repo_->ReserveSequence("card"), 11);

    EXPECT_THROW(repo_->ReserveSequence("no-such-sequence"), DbError);
}

TEST_P(MembershipRepositoryTest, SearchesByNamePrefixWithPagination) {
    std::vector<int64_t> anderssons;
    for (int i = 0; i < 5; ++i) {
        std::string number = "1000" + std::to_string(1000 + i);
        anderssons.push_back(NewMember("Anna" + std::to_string(i), "Andersson", number));
    }
    NewMember("Bo", "Andersen", "20000001");  // matches "anders" too
    NewMember("Carl", "Berg", "20000002");
    NewMember("Dag", "Anderberg", "20000003");  // "anderb..." does not match "anderss"

    auto page1 = repo_->SearchMembers("Anderss", 2, 0);
    ASSERT_EQ(page1.size(), 2u);
    EXPECT_EQ(page1[0].id, anderssons[0]);
    EXPECT_EQ(page1[1].id, anderssons[1]);
    auto page2 = repo_->SearchMembers("anderss", 2, page1.back().id);
    ASSERT_EQ(page2.size(), 2u);
    EXPECT_EQ(page2[0].id, anderssons[2]);
    EXPECT_EQ(page2[1].id, anderssons[3]);
    auto page3 = repo_->SearchMembers("ANDERSS", 2, page2.back().id);
    ASSERT_EQ(page3.size(), 1u);
    EXPECT_EQ(page3[0].id, anderssons[4]);
    EXPECT_TRUE(repo_->SearchMembers("anderss", 2, page3.back().id).empty());

    EXPECT_EQ(repo_->SearchMembers("anders", 100, 0).size(), 6u);
    EXPECT_EQ(repo_->SearchMembers("ander", 100, 0).size(), 7u);
    // "last first": a surname and the start of a first name narrow it down.
    auto one = repo_->SearchMembers("andersson anna3", 10, 0);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].id, anderssons[3]);
    EXPECT_TRUE(repo_->SearchMembers("zzz", 10, 0).empty());
}

TEST_P(MembershipRepositoryTest, SearchFindsExactMemberNumberCardEmailAndPhone) {
    int64_t person = InsertPerson("Astrid", "Lindgren", "hash-1");
    PersonRecord contact = Person("Astrid", "Lindgren", "hash-1");
    contact.id = person;
    contact.email = "astrid@example.se";
    contact.phone = "+46701234567";
    ASSERT_TRUE(repo_->UpdatePersonContact(contact, kNow).ok());
    int64_t member = InsertMember(person, "10000009");
    ASSERT_TRUE(repo_->InsertCard(Card(member, "6047000000000017")).ok());
    NewMember("Bertil", "Berg", "10000016");

    for (const std::string& q :
         std::vector<std::string>{"10000009", "6047000000000017", "astrid@example.se", "+46701234567"}) {
        auto found = repo_->SearchMembers(q, 10, 0);
        ASSERT_EQ(found.size(), 1u) << q;
        EXPECT_EQ(found[0].id, member) << q;
    }
}

TEST_P(MembershipRepositoryTest, HouseholdListsOwnerFirstThenParticipantsByJoining_R_HH_1) {
    int64_t owner = NewMember("Olle", "Owner", "10000009");
    int64_t p1 = NewMember("Pia", "First", "10000016");
    int64_t p2 = NewMember("Per", "Second", "10000023");

    int64_t household = repo_->InsertHousehold(owner, kNow);
    // Participants joined "before" the owner row was written: the owner is listed first anyway.
    repo_->AddToHousehold(household, p2, "participant", kNow - 1000);
    repo_->AddToHousehold(household, p1, "participant", kNow - 2000);
    repo_->AddToHousehold(household, owner, "owner", kNow);
    repo_->AddHouseholdEvent(household, owner, "created", "test", kNow);

    auto h = repo_->FindHousehold(household);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->owner_member_id, owner);
    EXPECT_EQ(h->created_at, kNow);
    ASSERT_EQ(h->members.size(), 3u);
    EXPECT_EQ(h->members[0].member_id, owner);
    EXPECT_EQ(h->members[0].role, "owner");
    EXPECT_EQ(h->members[0].member_number, "10000009");
    EXPECT_EQ(h->members[0].first_name, "Olle");
    EXPECT_EQ(h->members[1].member_id, p1);
    EXPECT_EQ(h->members[1].joined_at, kNow - 2000);
    EXPECT_EQ(h->members[2].member_id, p2);
    EXPECT_EQ(repo_->CountParticipants(household), 2);

    auto participant = repo_->FindMember(p1);
    EXPECT_EQ(participant->household_id, household);
    EXPECT_EQ(participant->household_role, "participant");
    EXPECT_EQ(repo_->FindMember(owner)->household_role, "owner");

    repo_->RemoveFromHousehold(p1);
    EXPECT_EQ(repo_->CountParticipants(household), 1);
    EXPECT_FALSE(repo_->FindMember(p1)->household_id);
    EXPECT_EQ(repo_->FindHousehold(household)->members.size(), 2u);
    EXPECT_FALSE(repo_->FindHousehold(household + 100));

    // R_HH_4 in the schema: an owner owns one household; a member is in at most one.
    EXPECT_THROW(repo_->InsertHousehold(owner, kNow), DbError);
    EXPECT_THROW(repo_->AddToHousehold(household, p2, "participant", kNow), DbError);
}

TEST_P(MembershipRepositoryTest, CardsAndStatusChanges_R_CARD_1) {
    int64_t member = NewMember("Astrid", "Lindgren", "10000009");
    auto first = repo_->InsertCard(Card(member, "6047000000000017"));
    ASSERT_TRUE(first.ok());
    CardRecord replacement = Card(member, "6047000000000025", "ordered");
    replacement.replaces_card_id = *first;
    replacement.issued_at = kNow + 5;
    ASSERT_TRUE(repo_->InsertCard(replacement).ok());

    auto cards = repo_->ListCards(member);
    ASSERT_EQ(cards.size(), 2u);
    EXPECT_EQ(cards[0].card_number, "6047000000000017");
    EXPECT_EQ(cards[0].status, "active");
    EXPECT_FALSE(cards[0].replaces_card_id);
    EXPECT_EQ(cards[0].status_changed_at, kNow);
    EXPECT_EQ(cards[1].status, "ordered");
    EXPECT_EQ(cards[1].replaces_card_id, *first);
    EXPECT_EQ(cards[1].issued_at, kNow + 5);

    // Only an active card identifies its member.
    EXPECT_TRUE(repo_->FindMemberByCard("6047000000000017"));
    EXPECT_FALSE(repo_->FindMemberByCard("6047000000000025"));

    repo_->SetCardStatus(*first, "blocked", "lost", kNow + 10);
    auto blocked = repo_->FindCard("6047000000000017");
    ASSERT_TRUE(blocked);
    EXPECT_EQ(blocked->status, "blocked");
    EXPECT_EQ(blocked->status_reason, "lost");
    EXPECT_EQ(blocked->status_changed_at, kNow + 10);
    EXPECT_EQ(blocked->issued_at, kNow);
    EXPECT_FALSE(repo_->FindMemberByCard("6047000000000017"));

    repo_->SetCardStatus(cards[1].id, "active", "activated", kNow + 20);
    auto now_active = repo_->FindMemberByCard("6047000000000025");
    ASSERT_TRUE(now_active);
    EXPECT_EQ(now_active->id, member);
    EXPECT_FALSE(repo_->FindCard("6047000000000033"));
    EXPECT_TRUE(repo_->ListCards(member + 100).empty());

    // The schema refuses a status outside the lifecycle.
    EXPECT_THROW(repo_->SetCardStatus(*first, "lost", "", kNow), DbError);
}

TEST_P(MembershipRepositoryTest, MemberUpdatesBumpVersionAndEventsListNewestFirst) {
    int64_t a = Coop("se", "se-malardalen");
    int64_t b = Coop("se", "se-norrland");
    int64_t vasteras = Store(a, "se-vasteras-1");
    int64_t umea = Store(b, "se-umea-1");
    int64_t member = NewMember("Astrid", "Lindgren", "10000009");

    repo_->UpdateHomeStore(member, vasteras);
    auto m = repo_->FindMember(member);
    EXPECT_EQ(m->home_store_id, vasteras);
    EXPECT_EQ(m->version, 2);
    repo_->UpdateCooperative(member, b, umea);
    m = repo_->FindMember(member);
    EXPECT_EQ(m->cooperative_id, b);
    EXPECT_EQ(m->home_store_id, umea);
    EXPECT_EQ(m->version, 3);
    repo_->RecordShare(member, 20000, kNow + 7);
    m = repo_->FindMember(member);
    EXPECT_EQ(m->share_paid_minor, 20000);
    EXPECT_EQ(m->share_paid_at, kNow + 7);
    EXPECT_EQ(m->version, 4);

    repo_->AddEvent(member, "registered", "{}", "test", kNow);
    repo_->AddEvent(member, "home_store_changed", R"({"store":"se-vasteras-1"})", "test", kNow + 1);
    repo_->AddEvent(member, "cooperative_moved", R"({"to":"se-norrland"})", "operator", kNow + 2);
    auto events = repo_->ListEvents(member, 2);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].kind, "cooperative_moved");
    EXPECT_EQ(events[0].actor, "operator");
    EXPECT_EQ(events[0].at, kNow + 2);
    EXPECT_EQ(events[1].kind, "home_store_changed");
    EXPECT_EQ(events[1].detail, R"({"store":"se-vasteras-1"})");
    EXPECT_EQ(repo_->ListEvents(member, 10).size(), 3u);
}

TEST_P(MembershipRepositoryTest, TermsLatestAcceptAndAccepted_R_MEM_9) {
    EXPECT_FALSE(repo_->LatestTerms("se"));
    auto v1 = repo_->InsertTerms({0, "se", "2026-1", "First terms", false, kNow, "", std::nullopt});
    ASSERT_TRUE(v1.ok());
    auto latest = repo_->LatestTerms("se");
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->id, *v1);
    EXPECT_EQ(latest->summary, "First terms");
    EXPECT_FALSE(latest->major);
    EXPECT_EQ(latest->published_at, kNow);

    auto v2 = repo_->InsertTerms({0, "se", "2026-2", "Major change", true, kNow + 1000, "", std::nullopt});
    ASSERT_TRUE(v2.ok());
    ASSERT_TRUE(repo_->InsertTerms({0, "dk", "2027-1", "Danish", false, kNow + 5000, "", std::nullopt}).ok());
    latest = repo_->LatestTerms("se");
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->version, "2026-2");
    EXPECT_TRUE(latest->major);
    EXPECT_EQ(repo_->LatestTerms("dk")->version, "2027-1");
    EXPECT_FALSE(repo_->LatestTerms("no"));

    auto found = repo_->FindTerms("se", "2026-1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, *v1);
    EXPECT_FALSE(repo_->FindTerms("dk", "2026-1"));

    int64_t member = NewMember("Astrid", "Lindgren", "10000009");
    EXPECT_FALSE(repo_->AcceptedTerms(member));
    repo_->AcceptTerms(member, *v1, "registration", kNow + 10);
    auto accepted = repo_->AcceptedTerms(member);
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->first, "2026-1");
    EXPECT_EQ(accepted->second, kNow + 10);

    repo_->AcceptTerms(member, *v2, "app", kNow + 2000);
    accepted = repo_->AcceptedTerms(member);
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->first, "2026-2");
    EXPECT_EQ(accepted->second, kNow + 2000);

    // Accepting the same version again keeps the first acceptance.
    repo_->AcceptTerms(member, *v2, "web", kNow + 3000);
    EXPECT_EQ(repo_->AcceptedTerms(member)->second, kNow + 2000);
    EXPECT_EQ(lease_->get()
                  .QueryOne("SELECT COUNT(*) FROM terms_acceptances WHERE member_id = $1", {Int(member)})
                  ->Int(0),
              2);
}

INSTANTIATE_TEST_SUITE_P(Engines, MembershipRepositoryTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::store
