#include "cli/bench_load.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <thread>

#include "app/access/api_key_service.hpp"
#include "app/auth/auth_service.hpp"
#include "app/catalogue/catalogue_service.hpp"
#include "app/demo/demo_portal.hpp"
#include "app/demo/generator.hpp"
#include "app/ledger/receipt_service.hpp"
#include "app/offers/offer_service.hpp"
#include "app/portal/portal_service.hpp"
#include "app/transaction.hpp"
#include "core/clock.hpp"
#include "notify/sealer.hpp"
#include "store/database.hpp"
#include "store/migrator.hpp"

namespace andel::cli {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// What the mix plays: the demo dataset's Danish store, partner and app coupon (src/app/demo), so the plan
// needs no data of its own beyond members, keys and sessions.
constexpr const char* kStore = "dk-odense-1";
constexpr const char* kPartner = "dk-synoptik";
constexpr const char* kPartnerCategory = "glasses";
constexpr const char* kOffer = "dk-kaffe-3-for-2";
constexpr const char* kCoffeeEan = "5700000000172";
constexpr const char* kMilkEan = "5700000000011";
constexpr int kMaxMembers = 2000;     // members the plan names (cards to identify, customers of receipts)
constexpr int kMaxSessions = 200;     // member sessions for offer activations
constexpr int kMaxLogins = 16;        // members given a password (each costs an argon2id hash here)
constexpr int kPortalCustomers = 40;  // end customers with a cart, racing for one delivery ...
constexpr int kPortalCapacity = 5;    // ... of a slot with room for this many (R_OMB_7)
constexpr int kMaxAttempts = 3;       // a receipt or partner sale is sent again with the same id, as tills do
constexpr auto kBackoff = std::chrono::milliseconds(100);  // after a refused connection or a 503

// --- the kinds of request, their weights and the answers that are right ---------------------------------

enum Kind { kIdentify, kBasket, kReceipt, kPartnerSale, kActivation, kLogin, kCheckout, kKinds };
constexpr std::array<const char*, kKinds> kKindNames = {"identify",   "basket", "receipt", "partner_sale",
                                                        "activation", "login",  "checkout"};
// Per 100 requests: a till identifies and prices far more often than anything else; a login (an argon2id
// hash) is rare and dear; a portal checkout races the others for the places of one delivery.
constexpr std::array<int, kKinds> kWeights = {28, 20, 25, 10, 10, 5, 2};

bool ExpectedStatus(Kind kind, int status) {
    if (kind == kReceipt || kind == kPartnerSale) return status == 201 || status == 200;  // 200: a replay
    // 422: the delivery is full (R_OMB_7), or an earlier run emptied that end customer's cart.
    if (kind == kCheckout) return status == 201 || status == 422;
    return status == 200;
}

// --- one keep-alive HTTP/1.1 connection ------------------------------------------------------------------
// Plain sockets and poll() rather than Beast: every read and write is bounded by the request's deadline, and
// the file stays cheap to compile (DESIGN.md "Known facts": Beast stays inside src/http).

struct Answer {
    enum Failure { kNone, kRefused, kDropped, kTimeout };
    Failure failure = kNone;
    int status = 0;
    bool retry_after = false;
    std::string body;
};

struct Endpoint {
    std::string url;
    sockaddr_in address{};
};

Endpoint ParseNode(const std::string& url) {
    const std::string prefix = "http://";
    if (!url.starts_with(prefix)) throw std::runtime_error("a node must be http://ADDRESS:PORT: " + url);
    std::string rest = url.substr(prefix.size());
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("a node needs a port: " + url);
    std::string host = rest.substr(0, colon);
    if (host == "localhost") host = "127.0.0.1";
    const int port = std::atoi(rest.c_str() + colon + 1);
    Endpoint e{url, {}};
    e.address.sin_family = AF_INET;
    e.address.sin_port = htons(static_cast<uint16_t>(port));
    if (port <= 0 || port > 65535 || inet_pton(AF_INET, host.c_str(), &e.address.sin_addr) != 1)
        throw std::runtime_error("a node must be an IPv4 address and a port: " + url);
    return e;
}

int MillisLeft(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<int64_t>(left, 0, 60'000));
}

// Waits until `fd` is ready for `events`; false at the deadline.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int left = MillisLeft(deadline);
        if (left == 0) return false;
        const int n = poll(&p, 1, left);
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) return false;
    }
}

std::string Lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

class NodeConnection {
  public:
    explicit NodeConnection(const Endpoint& endpoint) : endpoint_(endpoint) {}
    ~NodeConnection() { Close(); }
    NodeConnection(const NodeConnection&) = delete;
    NodeConnection& operator=(const NodeConnection&) = delete;

    Answer Send(const std::string& request, Clock::time_point deadline) {
        Answer a;
        if (fd_ < 0 && !Connect(deadline, a)) return a;
        if (!WriteAll(request, deadline, a) || !ReadAnswer(deadline, a)) Close();
        return a;
    }

  private:
    void Close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        buffer_.clear();
    }

    bool Connect(Clock::time_point deadline, Answer& a) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error("socket() failed");
        int one = 1;
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const auto* addr = reinterpret_cast<const sockaddr*>(&endpoint_.address);
        if (::connect(fd_, addr, sizeof endpoint_.address) != 0 && errno != EINPROGRESS) {
            a.failure = Answer::kRefused;
            Close();
            return false;
        }
        if (!WaitFor(fd_, POLLOUT, deadline)) {
            a.failure = Answer::kTimeout;
            Close();
            return false;
        }
        int error = 0;
        socklen_t len = sizeof error;
        getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0) {
            a.failure = Answer::kRefused;
            Close();
            return false;
        }
        return true;
    }

    bool WriteAll(const std::string& data, Clock::time_point deadline, Answer& a) {
        size_t sent = 0;
        while (sent < data.size()) {
            const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<size_t>(n);
            } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (!WaitFor(fd_, POLLOUT, deadline)) {
                    a.failure = Answer::kTimeout;
                    return false;
                }
            } else {
                a.failure = Answer::kDropped;
                return false;
            }
        }
        return true;
    }

    // Reads more into buffer_; false on a closed connection or at the deadline (failure set).
    bool ReadMore(Clock::time_point deadline, Answer& a) {
        char chunk[16384];
        for (;;) {
            const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n > 0) {
                buffer_.append(chunk, static_cast<size_t>(n));
                return true;
            }
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (!WaitFor(fd_, POLLIN, deadline)) {
                    a.failure = Answer::kTimeout;
                    return false;
                }
                continue;
            }
            a.failure = Answer::kDropped;
            return false;
        }
    }

    // One response: the status line, the headers (Content-Length, Retry-After, Connection) and the body.
    bool ReadAnswer(Clock::time_point deadline, Answer& a) {
        size_t end;
        while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
            if (!ReadMore(deadline, a)) return false;
        const std::string head = buffer_.substr(0, end);
        buffer_.erase(0, end + 4);
        if (!head.starts_with("HTTP/1.") || head.size() < 12) {
            a.failure = Answer::kDropped;
            return false;
        }
        a.status = std::atoi(head.c_str() + 9);
        size_t length = 0;
        bool close = head.starts_with("HTTP/1.0");
        for (size_t at = head.find("\r\n"); at != std::string::npos;) {
            const size_t next = head.find("\r\n", at + 2);
            const std::string line = head.substr(at + 2, next == std::string::npos ? next : next - at - 2);
            at = next;
            const auto colon = line.find(':');
            if (colon == std::string::npos) continue;
            const std::string name = Lower(line.substr(0, colon));
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            if (name == "content-length")
                length = static_cast<size_t>(std::strtoull(value.c_str(), nullptr, 10));
            if (name == "retry-after") a.retry_after = !value.empty();
            if (name == "connection") close = Lower(value) == "close";
        }
        while (buffer_.size() < length)
            if (!ReadMore(deadline, a)) return false;
        a.body = buffer_.substr(0, length);
        buffer_.erase(0, length);
        if (close) Close();
        return true;
    }

    const Endpoint& endpoint_;
    int fd_ = -1;
    std::string buffer_;
};

std::string HttpRequest(const std::string& method, const std::string& path, const std::string& token,
                        const std::string& body) {
    std::string r = method + " " + path + " HTTP/1.1\r\nHost: andel\r\nUser-Agent: andel-bench-load\r\n";
    if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    return r + body;
}

// --- the plan: what --prepare made, read by the run ------------------------------------------------------

struct Plan {
    std::string till_token, partner_token;
    std::vector<std::pair<std::string, std::string>> members;  // member number, active card
    std::vector<std::string> sessions;                         // member app sessions
    std::vector<std::pair<std::string, std::string>> logins;   // login, password
    // The portal's race (empty without Sweden): an orderer's session, one delivery and the end customers.
    std::string orderer_token, delivery_date;
    int64_t slot_id = 0;
    std::vector<int64_t> end_customers;
};

Plan ReadPlan(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the plan " + path + " (make it with --prepare)");
    json j = json::parse(in);
    Plan p;
    p.till_token = j.at("till_token");
    p.partner_token = j.at("partner_token");
    for (const auto& m : j.at("members")) p.members.emplace_back(m.at(0), m.at(1));
    for (const auto& s : j.at("sessions")) p.sessions.push_back(s);
    for (const auto& l : j.at("logins")) p.logins.emplace_back(l.at(0), l.at(1));
    if (j.contains("portal")) {
        const auto& portal = j.at("portal");
        p.orderer_token = portal.at("orderer_token");
        p.slot_id = portal.at("slot_id");
        p.delivery_date = portal.at("delivery_date");
        for (const auto& id : portal.at("end_customers")) p.end_customers.push_back(id);
    }
    if (p.members.empty() || p.sessions.empty() || p.logins.empty())
        throw std::runtime_error("the plan " + path + " names no members, sessions or logins");
    return p;
}

std::string Issue(app::ApiKeyService& keys, const std::string& role, const std::optional<std::string>& store,
                  const std::optional<std::string>& partner) {
    auto k = keys.Issue(role, "bench load", store, partner);
    if (!k) throw std::runtime_error("cannot issue a " + role + " key: " + k.error().detail);
    return k->token;
}

template <typename T>
T Must(core::Result<T> r, const char* what) {
    if (!r)
        throw std::runtime_error(std::string("cannot prepare the portal's ") + what + ": " +
                                 r.error().detail);
    return std::move(*r);
}

// The demo's portal, a new slot with room for kPortalCapacity orders, and kPortalCustomers end customers
// with one product in the cart each, for the checkout race; null without the demo's Swedish store.
json PreparePortal(store::Database& db, const app::Config& cfg, const core::Clock& clock,
                   const notify::Sealer& sealer, app::auth::AuthService& auth) {
    app::CatalogueService catalogue(db, clock, cfg.markets);
    app::OfferService offers(db, clock, cfg.markets, sealer);
    app::ReceiptService receipts(db, clock, cfg.markets);
    app::PortalService portal(db, clock, cfg.markets, sealer, auth, catalogue, offers, receipts);
    const app::DemoPortal demo = app::SeedDemoPortal(db, auth, portal, clock);
    if (demo.organisation_id == 0) return nullptr;
    const app::PortalUser admin{demo.admin_account_id, demo.organisation_id, true, "bench load"};
    const app::PortalUser orderer{demo.orderer_account_id, demo.organisation_id, false, "bench load"};
    // Every day of the week, ordering open until the window starts: the next delivery is at most a week off.
    std::vector<int64_t> slots;
    for (int64_t weekday = 1; weekday <= 7; ++weekday)
        slots.push_back(
            Must(portal.AddSlot(admin, demo.centrum_unit_id, weekday, "20:00", "21:00", kPortalCapacity, 0),
                 "slot")
                .id);
    json customers = json::array();
    for (int i = 0; i < kPortalCustomers; ++i) {
        app::EndCustomerInput in;
        in.unit_id = demo.centrum_unit_id;
        in.name = "Lastkund " + std::to_string(i + 1);
        in.street = "Lastgatan " + std::to_string(i + 1);
        in.postal_code = "722 15";
        in.city = "Västerås";
        const int64_t id = Must(portal.CreateEndCustomer(admin, in), "end customer").customer.id;
        const auto items = Must(portal.CurrentItems(admin, id, 1), "assortment").items;
        if (items.empty()) throw std::runtime_error("the portal's store sells nothing");
        Must(portal.AddToCart(orderer, id, items.front().product.ean, 1), "cart");
        customers.push_back(id);
    }
    // The earliest open delivery of one of those slots: every checkout of the run asks for it.
    std::optional<app::DeliveryOption> delivery;
    for (const auto& d : Must(portal.Deliveries(admin, customers.front().get<int64_t>()), "deliveries"))
        if (std::find(slots.begin(), slots.end(), d.slot.id) != slots.end() &&
            (!delivery || d.window_start_at < delivery->window_start_at))
            delivery = d;
    if (!delivery) throw std::runtime_error("no open delivery for the portal's race");
    auto session = app::InTransaction(db, [&](store::Connection& c) {
        return auth.OpenSession(c, demo.orderer_account_id, "app", "password+totp", "bench load");
    });
    if (!session) throw std::runtime_error("cannot open the orderer's session: " + session.error().detail);
    return {{"orderer_token", session->token},
            {"slot_id", delivery->slot.id},
            {"delivery_date", delivery->delivery_date},
            {"end_customers", customers}};
}

// Migrates, seeds the demo dataset (store, partner with its agreement, catalogue, offers), generates members,
// issues a till and a partner key, opens member sessions and gives a few members a password.
void Prepare(const app::Config& cfg, const BenchLoadOptions& options) {
    core::SystemClock clock;
    auto db = store::Open(options.database);
    store::Migrate(*db, core::ToMillis(clock.Now()));
    app::SeedDemo(*db, cfg.markets, cfg.national_id_key, clock);
    app::SeedDemoCatalogue(*db, cfg.markets, clock);
    app::SeedDemoOffers(*db, cfg.markets, clock);
    if (options.members > 0) {
        app::GenerateOptions g;
        g.members = options.members;
        g.seed = options.seed;
        auto r = app::GenerateMembers(*db, cfg.markets, cfg.national_id_key, clock, g);
        std::printf("prepare: generated %lld members in %.1f s\n", static_cast<long long>(r.members),
                    r.seconds);
    }
    app::ApiKeyService keys(*db, clock);
    json plan = {{"till_token", Issue(keys, app::kRoleTill, kStore, std::nullopt)},
                 {"partner_token", Issue(keys, app::kRolePartner, std::nullopt, kPartner)},
                 {"members", json::array()},
                 {"sessions", json::array()},
                 {"logins", json::array()}};
    std::vector<std::pair<int64_t, std::string>> ids;  // member id, member number
    std::vector<std::string> reachable;                // members with a mobile or e-mail for the second step
    {
        auto c = db->Read();
        // Danish members in a household with an active card: they earn at the store and at the partner.
        auto rows = c->Query(
            "SELECT m.id, m.member_number, MIN(k.card_number), MAX(CASE WHEN p.phone IS NULL AND p.email IS "
            "NULL THEN 0 ELSE 1 END) FROM members m JOIN persons p ON p.id = m.person_id "
            "JOIN household_members h ON h.member_id = m.id "
            "JOIN cards k ON k.member_id = m.id AND k.status = 'active' "
            "WHERE m.market = 'dk' AND m.kind = 'member' AND m.status = 'active' AND m.is_demo = 0 "
            "GROUP BY m.id, m.member_number ORDER BY m.id LIMIT $1",
            {store::Int(kMaxMembers)});
        for (const auto& r : rows) {
            ids.emplace_back(r.Int(0), r.Text(1));
            plan["members"].push_back({r.Text(1), r.Text(2)});
            if (r.Int(3) == 1) reachable.push_back(r.Text(1));
        }
    }
    if (ids.empty()) throw std::runtime_error("no Danish member with a card to play the mix with");
    notify::Sealer sealer(cfg.secret_key);
    app::auth::AuthService auth(*db, clock, sealer, cfg.auth, cfg.secret_key);
    for (size_t i = 0; i < ids.size() && i < static_cast<size_t>(kMaxSessions); ++i) {
        auto s = app::InTransaction(*db, [&](store::Connection& c) {
            return auth.OpenSession(c, auth.EnsureMemberAccount(c, ids[i].first), "app", "password+sms",
                                    "bench load");
        });
        if (!s) throw std::runtime_error("cannot open a session: " + s.error().detail);
        plan["sessions"].push_back(s->token);
    }
    // The first step of a login answers with a code sent by SMS or e-mail (R_AUTH_4): members who have one.
    for (size_t i = 0; i < reachable.size() && i < static_cast<size_t>(kMaxLogins); ++i) {
        const std::string password = "bench-load-" + reachable[i];
        auto r = auth.SeedMemberPassword(reachable[i], password);
        if (!r) throw std::runtime_error("cannot set a password: " + r.error().detail);
        plan["logins"].push_back({reachable[i], password});
    }
    if (auto portal = PreparePortal(*db, cfg, clock, sealer, auth); !portal.is_null())
        plan["portal"] = portal;
    std::ofstream out(options.plan, std::ios::trunc);
    out << plan.dump(1) << "\n";
    if (!out) throw std::runtime_error("cannot write the plan " + options.plan);
    std::printf("prepare: %zu members, %zu sessions, %zu logins, a till and a partner key -> %s\n",
                plan["members"].size(), plan["sessions"].size(), plan["logins"].size(), options.plan.c_str());
}

// --- the run ---------------------------------------------------------------------------------------------

struct KindStats {
    std::vector<double> ms;  // latency of every answer (not of failures)
    std::map<int, int64_t> statuses;
    int64_t refused = 0, dropped = 0, timeouts = 0, wrong = 0;
};

struct Tally {
    std::array<KindStats, kKinds> kinds;
    // "receipt\tSTORE\tID", "partner_sale\tPARTNER\tID" and "portal_order\tSLOT\tCHECKOUT_KEY"
    std::vector<std::string> acknowledged;
};

// A request to make: the same request again (same receipt or sale id) when a till would retry.
struct Call {
    Kind kind;
    std::string http;
    std::string acknowledgement;  // written when answered 200/201; empty for kinds that book nothing
};

class Mix {
  public:
    Mix(const Plan& plan, uint64_t seed, const std::string& run_id, int worker, int workers)
        : plan_(plan),
          next_customer_(static_cast<size_t>(worker)),
          workers_(static_cast<size_t>(workers)),
          rng_(seed * 1'000'003 + static_cast<uint64_t>(worker)),
          prefix_(run_id + "-" + std::to_string(worker)) {}

    Call Next() {
        const int roll = std::uniform_int_distribution<int>(0, 99)(rng_);
        int at = 0;
        for (int k = 0; k < kKinds; ++k) {
            at += kWeights[static_cast<size_t>(k)];
            if (roll < at) return Make(static_cast<Kind>(k));
        }
        return Make(kIdentify);
    }

  private:
    template <typename T>
    const T& Pick(const std::vector<T>& v) {
        return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng_)];
    }
    int64_t Amount(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }

    Call Make(Kind kind) {
        const auto& [number, card] = Pick(plan_.members);
        const auto now =
            std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
        switch (kind) {
            case kIdentify:
                return {kind,
                        HttpRequest("POST", "/api/v1/till/identify", plan_.till_token,
                                    json{{"card", card}}.dump()),
                        ""};
            case kBasket: {
                json lines =
                    json::array({{{"sku", kCoffeeEan}, {"quantity", 3}, {"amount_minor", 14985}},
                                 {{"sku", kMilkEan}, {"quantity", 1}, {"amount_minor", Amount(995, 1495)}}});
                return {kind,
                        HttpRequest("POST", "/api/v1/till/baskets", plan_.till_token,
                                    json{{"customer", {{"card", card}}}, {"lines", lines}}.dump()),
                        ""};
            }
            case kReceipt: {
                const std::string id = "L" + prefix_ + "-" + std::to_string(++serial_);
                const int64_t amount = Amount(500, 150'000);
                json body = {
                    {"receipt_id", id},
                    {"till", "9"},
                    {"occurred_at", core::FormatTimestamp(now - std::chrono::seconds(2))},
                    {"customer", {{"card", card}}},
                    {"lines", {{{"sku", kMilkEan}, {"category", "groceries"}, {"amount_minor", amount}}}},
                    {"tenders", {{{"kind", "card"}, {"amount_minor", amount}}}}};
                return {kind, HttpRequest("POST", "/api/v1/till/receipts", plan_.till_token, body.dump()),
                        std::string("receipt\t") + kStore + "\t" + id};
            }
            case kPartnerSale: {
                const std::string id = "L" + prefix_ + "-" + std::to_string(++serial_);
                json body = {
                    {"sale_id", id},
                    {"member_number", number},
                    {"sale_date", core::FormatDate(core::UtcDate(now))},
                    {"currency", "DKK"},
                    {"lines", {{{"category", kPartnerCategory}, {"amount_minor", Amount(10'000, 400'000)}}}}};
                return {kind, HttpRequest("POST", "/api/v1/partner/sales", plan_.partner_token, body.dump()),
                        std::string("partner_sale\t") + kPartner + "\t" + id};
            }
            case kActivation:
                return {kind,
                        HttpRequest("POST", std::string("/api/v1/me/offers/") + kOffer + "/activation",
                                    Pick(plan_.sessions), ""),
                        ""};
            case kLogin: {
                const auto& [login, password] = Pick(plan_.logins);
                return {
                    kind,
                    HttpRequest("POST", "/api/v1/auth/login", "",
                                json{{"login", login}, {"password", password}, {"session", "app"}}.dump()),
                    ""};
            }
            case kCheckout: {
                if (next_customer_ >= plan_.end_customers.size()) return Make(kIdentify);
                const int64_t customer = plan_.end_customers[next_customer_];
                next_customer_ += workers_;
                const std::string key =
                    "portal-" + prefix_ + "-" + std::to_string(++serial_);  // 16-64 characters
                json body = {{"slot_id", plan_.slot_id},
                             {"delivery_date", plan_.delivery_date},
                             {"checkout_key", key}};
                return {kind,
                        HttpRequest("POST",
                                    "/api/v1/portal/end-customers/" + std::to_string(customer) + "/orders",
                                    plan_.orderer_token, body.dump()),
                        "portal_order\t" + std::to_string(plan_.slot_id) + "\t" + key};
            }
            case kKinds:
                break;
        }
        throw std::logic_error("no such kind");
    }

    const Plan& plan_;
    size_t next_customer_, workers_;  // each worker checks out its own end customers, each once
    std::mt19937_64 rng_;
    std::string prefix_;
    int64_t serial_ = 0;
};

struct Shared {
    std::vector<Endpoint> endpoints;
    int64_t requests;
    Clock::time_point until;
    std::chrono::milliseconds timeout;
    std::atomic<int64_t> sent{0};
};

// One worker: its own connection to every node, requests sent to the nodes in turn (as a round-robin load
// balancer would). A receipt, sale or checkout that got no answer or a 503 is sent again, with the same id.
void Work(Shared& shared, Mix mix, Tally& tally) {
    std::vector<std::unique_ptr<NodeConnection>> connections;
    for (const auto& e : shared.endpoints) connections.push_back(std::make_unique<NodeConnection>(e));
    size_t next_node = 0;
    auto take = [&] { return Clock::now() < shared.until && shared.sent.fetch_add(1) < shared.requests; };
    while (take()) {
        Call call = mix.Next();
        KindStats& stats = tally.kinds[call.kind];
        for (int attempt = 1;; ++attempt) {
            NodeConnection& conn = *connections[next_node++ % connections.size()];
            const auto started = Clock::now();
            Answer a = conn.Send(call.http, started + shared.timeout);
            bool again = false;
            switch (a.failure) {
                case Answer::kRefused:
                    ++stats.refused;
                    std::this_thread::sleep_for(kBackoff);
                    again = true;
                    break;
                case Answer::kDropped:
                    ++stats.dropped;
                    again = true;
                    break;
                case Answer::kTimeout:
                    ++stats.timeouts;
                    again = true;
                    break;
                case Answer::kNone: {
                    stats.ms.push_back(
                        std::chrono::duration<double, std::milli>(Clock::now() - started).count());
                    ++stats.statuses[a.status];
                    if (a.status == 503) {
                        if (!a.retry_after) ++stats.wrong;
                        std::this_thread::sleep_for(kBackoff);  // shorter than Retry-After: the run is short
                        again = true;
                    } else if (!ExpectedStatus(call.kind, a.status)) {
                        ++stats.wrong;
                        if (stats.wrong <= 3)
                            std::fprintf(stderr, "bench load: %s answered %d: %.300s\n",
                                         kKindNames[call.kind], a.status, a.body.c_str());
                    } else if (!call.acknowledgement.empty() && a.status < 300) {
                        tally.acknowledged.push_back(call.acknowledgement);
                    }
                    break;
                }
            }
            // Only what books something is retried; the rest a till would simply ask again for later.
            if (!again || call.acknowledgement.empty() || attempt >= kMaxAttempts ||
                Clock::now() >= shared.until)
                break;
        }
    }
}

double Percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

std::string Statuses(const KindStats& s) {
    std::string out;
    for (const auto& [status, n] : s.statuses) out += std::to_string(status) + ":" + std::to_string(n) + " ";
    if (s.refused) out += "refused:" + std::to_string(s.refused) + " ";
    if (s.dropped) out += "dropped:" + std::to_string(s.dropped) + " ";
    if (s.timeouts) out += "timeout:" + std::to_string(s.timeouts) + " ";
    return out;
}

int Run(const BenchLoadOptions& options) {
    const Plan plan = ReadPlan(options.plan);
    Shared shared;
    for (const auto& n : options.nodes) shared.endpoints.push_back(ParseNode(n));
    shared.requests = options.requests;
    shared.timeout = std::chrono::milliseconds(options.timeout_ms);
    const std::string run_id = options.run_id.empty()
                                   ? std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                        std::chrono::system_clock::now().time_since_epoch())
                                                        .count())
                                   : options.run_id;
    std::vector<Tally> tallies(static_cast<size_t>(options.concurrency));
    const auto started = Clock::now();
    shared.until = started + std::chrono::milliseconds(static_cast<int64_t>(options.duration_s * 1000));
    {
        std::vector<std::thread> workers;
        for (int w = 0; w < options.concurrency; ++w)
            workers.emplace_back(Work, std::ref(shared),
                                 Mix(plan, options.seed, run_id, w, options.concurrency),
                                 std::ref(tallies[static_cast<size_t>(w)]));
        for (auto& t : workers) t.join();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

    Tally all;
    for (auto& t : tallies) {
        for (int k = 0; k < kKinds; ++k) {
            auto& to = all.kinds[static_cast<size_t>(k)];
            auto& from = t.kinds[static_cast<size_t>(k)];
            to.ms.insert(to.ms.end(), from.ms.begin(), from.ms.end());
            for (const auto& [status, n] : from.statuses) to.statuses[status] += n;
            to.refused += from.refused;
            to.dropped += from.dropped;
            to.timeouts += from.timeouts;
            to.wrong += from.wrong;
        }
        all.acknowledged.insert(all.acknowledged.end(), t.acknowledged.begin(), t.acknowledged.end());
    }
    int64_t answered = 0, wrong = 0, timeouts = 0, failed = 0;
    std::printf("bench load: %zu nodes, %d connections each, seed %llu, run %s\n", shared.endpoints.size(),
                options.concurrency, static_cast<unsigned long long>(options.seed), run_id.c_str());
    std::printf("%-13s %8s %9s %8s %8s %8s %8s  %s\n", "kind", "answers", "answers/s", "p50 ms", "p95 ms",
                "p99 ms", "max ms", "statuses");
    for (int k = 0; k < kKinds; ++k) {
        auto& s = all.kinds[static_cast<size_t>(k)];
        std::sort(s.ms.begin(), s.ms.end());
        const auto n = static_cast<int64_t>(s.ms.size());
        answered += n;
        wrong += s.wrong;
        timeouts += s.timeouts;
        failed += s.refused + s.dropped;
        std::printf("%-13s %8lld %9.1f %8.2f %8.2f %8.2f %8.2f  %s\n", kKindNames[static_cast<size_t>(k)],
                    static_cast<long long>(n), static_cast<double>(n) / seconds, Percentile(s.ms, 0.50),
                    Percentile(s.ms, 0.95), Percentile(s.ms, 0.99), s.ms.empty() ? 0 : s.ms.back(),
                    Statuses(s).c_str());
    }
    std::printf(
        "total: %lld answers in %.1f s = %.1f answers/s; %lld refused or dropped connections, %lld "
        "timeouts, %lld wrong answers\n",
        static_cast<long long>(answered), seconds, static_cast<double>(answered) / seconds,
        static_cast<long long>(failed), static_cast<long long>(timeouts), static_cast<long long>(wrong));
    if (!options.acknowledged.empty()) {
        std::ofstream out(options.acknowledged, std::ios::trunc);
        for (const auto& line : all.acknowledged) out << line << "\n";
        if (!out) throw std::runtime_error("cannot write " + options.acknowledged);
        std::printf("acknowledged: %zu receipts, partner sales and portal orders -> %s\n",
                    all.acknowledged.size(), options.acknowledged.c_str());
    }
    return wrong > 0 || timeouts > 0 ? 1 : 0;
}

}  // namespace

int BenchLoad(const app::Config& cfg, const BenchLoadOptions& options) {
    if (options.prepare) {
        if (options.database.empty()) throw std::runtime_error("--prepare needs --database");
        Prepare(cfg, options);
    }
    if (options.nodes.empty()) return 0;
    if (options.concurrency < 1) throw std::runtime_error("--concurrency must be at least 1");
    return Run(options);
}

}  // namespace andel::cli
