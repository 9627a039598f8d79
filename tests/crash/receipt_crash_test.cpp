// Crash test (DESIGN.md "The ledger"): the real `andel serve` on SQLite is killed with SIGKILL 20 times while
// two tills post receipts as fast as they can. After each restart, and at the end, every receipt the server
// acknowledged (201, or 200 replayed) is in the ledger exactly once, replays answer the first result, and
// `andel check ledger` passes.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/ledger/journal.hpp"
#include "store/database.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "test_support.hpp"

extern char** environ;

namespace andel {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kRounds = 20;
constexpr int kClients = 2;
constexpr auto kSocketTimeout = seconds(3);
constexpr auto kSoftLimit = seconds(90);   // rounds stop being started after this
constexpr auto kHardLimit = seconds(150);  // the watchdog kills the server, then the test binary

// The server now running, for the watchdog and the exit handler.
std::atomic<pid_t> g_server{0};

void KillServerAtExit() {
    pid_t pid = g_server.exchange(0);
    if (pid > 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
}

struct Run {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

Run Andel(const std::string& args) {
    std::string cmd = ANDEL_BINARY;  // appended piecewise: GCC 12 warns falsely on a chain of + here
    cmd += ' ';
    cmd += args;
    cmd += " 2>&1";
    Run r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), p)) > 0;) r.output.append(buf.data(), n);
    int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// `andel serve` on port 0, stdout to a pipe (for the port), stderr inherited, warnings only.
struct Server {
    pid_t pid = -1;
    int out = -1;
    int port = 0;
    std::string printed;
};

Server StartServer(const std::string& database_url, const std::string& config) {
    // Everything the child needs is built before fork(): between fork and exec only async-signal-safe calls.
    std::vector<std::string> args = {ANDEL_BINARY, "serve",      "--config", config,
                                     "--database", database_url, "--port",   "0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_text;
    for (char** e = environ; *e; ++e)
        if (!std::string_view(*e).starts_with("ANDEL_LOG_LEVEL=")) env_text.emplace_back(*e);
    env_text.emplace_back("ANDEL_LOG_LEVEL=warn");
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);

    Server s;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return s;
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlives the test binary
        if (::getppid() != parent) ::_exit(126);
        ::dup2(fds[1], 1);  // dup2 clears O_CLOEXEC on the copy
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    if (pid < 0) {
        ::close(fds[0]);
        return s;
    }
    s.pid = pid;
    s.out = fds[0];
    g_server = pid;
    static const std::regex serving(R"(serving on http://127\.0\.0\.1:(\d+))");
    std::smatch match;
    auto deadline = SteadyClock::now() + seconds(20);
    char buf[512];
    while (!std::regex_search(s.printed, match, serving)) {
        auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now()).count();
        if (left <= 0) break;
        pollfd p{s.out, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
        auto n = ::read(s.out, buf, sizeof buf);
        if (n <= 0) break;
        s.printed.append(buf, static_cast<size_t>(n));
    }
    if (!match.empty()) s.port = std::stoi(match[1]);
    return s;
}

// Kills the server with `sig` and reaps it; returns the wait status.
int StopServer(Server& s, int sig) {
    int status = -1;
    if (s.pid > 0) {
        ::kill(s.pid, sig);
        ::waitpid(s.pid, &status, 0);
        g_server = 0;
        s.pid = -1;
    }
    if (s.out >= 0) ::close(s.out);
    s.out = -1;
    return status;
}

// A keep-alive HTTP/1.1 connection to 127.0.0.1 with send and receive timeouts, so nothing waits for long.
class Connection {
  public:
    explicit Connection(int port) : port_(port) {}
    ~Connection() { Close(); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    struct Reply {
        int status = -1;    // -1: no answer (connection refused, reset, closed or timed out)
        bool sent = false;  // whether any byte of the request may have reached the server
        std::string body;
    };

    Reply Post(const std::string& path, const std::string& token, const std::string& body) {
        Reply r;
        if (fd_ < 0 && !Connect()) return r;
        std::string req = "POST ";
        req += path;
        req += " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ";
        req += token;
        req += "\r\nContent-Type: application/json\r\nContent-Length: ";
        req += std::to_string(body.size());
        req += "\r\n\r\n";
        req += body;
        for (size_t off = 0; off < req.size();) {
            auto n = ::send(fd_, req.data() + off, req.size() - off, MSG_NOSIGNAL);
            if (n <= 0) {
                r.sent = off > 0;
                Close();
                return r;
            }
            off += static_cast<size_t>(n);
        }
        r.sent = true;
        // Head, then a body of Content-Length bytes.
        size_t head_end;
        while ((head_end = in_.find("\r\n\r\n")) == std::string::npos)
            if (!Fill()) return Fail(r);
        std::string head = in_.substr(0, head_end);
        std::string lower = head;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        if (!head.starts_with("HTTP/1.1 ") || head.size() < 12) return Fail(r);
        int status = std::atoi(head.c_str() + 9);
        size_t length = 0;
        if (auto at = lower.find("\r\ncontent-length:"); at != std::string::npos)
            length = std::strtoul(lower.c_str() + at + 17, nullptr, 10);
        while (in_.size() < head_end + 4 + length)
            if (!Fill()) return Fail(r);
        r.status = status;
        r.body = in_.substr(head_end + 4, length);
        in_.erase(0, head_end + 4 + length);
        if (lower.find("\r\nconnection: close") != std::string::npos) Close();
        return r;
    }

  private:
    bool Connect() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) return false;
        timeval tv{};
        tv.tv_sec = std::chrono::duration_cast<seconds>(kSocketTimeout).count();
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port_));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            Close();
            return false;
        }
        return true;
    }
    bool Fill() {
        char buf[8192];
        auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return false;
        in_.append(buf, static_cast<size_t>(n));
        return true;
    }
    Reply& Fail(Reply& r) {
        Close();
        return r;
    }
    void Close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        in_.clear();
    }

    int port_;
    int fd_ = -1;
    std::string in_;
};

struct Receipt {
    std::string id, body;
    int64_t amount = 0;
    int64_t bonus = -1;  // earned.bonus_minor of the acknowledgement; -1 until acknowledged
};

// What one till saw in one round.
struct TillLog {
    std::vector<Receipt> acknowledged;
    std::vector<Receipt> in_flight;  // sent, never answered: committed or not, the till must retry it
    std::vector<std::string> unexpected;
    int64_t posted = 0;
};

std::string ReceiptBody(const std::string& id, const std::string& card, int64_t amount) {
    json j = {
        {"receipt_id", id},
        {"till", "crash"},
        {"occurred_at", "2026-11-23T09:15:00Z"},
        {"customer", {{"card", card}}},
        {"lines",
         json::array({{{"sku", "5701234000011"}, {"category", "groceries"}, {"amount_minor", amount}}})},
        {"tenders", json::array({{{"kind", "card"}, {"amount_minor", amount}}})}};
    return j.dump();
}

// Reads earned.bonus_minor and replayed from an acknowledgement; false when the answer is not one.
bool ReadAcknowledgement(const std::string& body, const std::string& id, int64_t& bonus, bool& replayed) {
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("receipt_id", "") != id || !j.contains("earned") ||
        !j["earned"].contains("bonus_minor") || !j.contains("replayed"))
        return false;
    bonus = j["earned"]["bonus_minor"].get<int64_t>();
    replayed = j["replayed"].get<bool>();
    return true;
}

// Posts fresh receipts until the connection fails (the server was killed) or `stop` is set.
void Till(int port, const std::string& token, int round, int till, const std::vector<std::string>& cards,
          uint64_t seed, const std::atomic<bool>& stop, TillLog& log) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int64_t> amount_of(100, 10000);
    Connection conn(port);
    for (int n = 0; !stop.load(); ++n) {
        Receipt r;
        r.id = "C-" + std::to_string(round) + "-" + std::to_string(till) + "-" + std::to_string(n);
        r.amount = amount_of(rng);
        r.body = ReceiptBody(r.id, cards[rng() % cards.size()], r.amount);
        auto reply = conn.Post("/api/v1/till/receipts", token, r.body);
        ++log.posted;
        if (reply.status < 0) {
            if (reply.sent) log.in_flight.push_back(std::move(r));
            return;  // the server is gone
        }
        bool replayed = false;
        if (reply.status != 201 || !ReadAcknowledgement(reply.body, r.id, r.bonus, replayed) || replayed) {
            log.unexpected.push_back(r.id + ": " + std::to_string(reply.status) + " " + reply.body);
            continue;
        }
        log.acknowledged.push_back(std::move(r));
    }
}

// Kills the server and then the test binary when the test overruns its hard limit.
class Watchdog {
  public:
    Watchdog()
        : thread_([this] {
              std::unique_lock lock(mu_);
              if (cv_.wait_for(lock, kHardLimit, [this] { return done_; })) return;
              expired_ = true;
              std::fprintf(stderr, "receipt crash test: over its hard limit of %lld s; killing the server\n",
                           static_cast<long long>(kHardLimit.count()));
              if (pid_t pid = g_server.load(); pid > 0) ::kill(pid, SIGKILL);
              if (cv_.wait_for(lock, seconds(20), [this] { return done_; })) return;
              std::fprintf(stderr, "receipt crash test: still stuck; exiting\n");
              std::_Exit(1);
          }) {}
    ~Watchdog() {
        {
            std::lock_guard lock(mu_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    bool expired() {
        std::lock_guard lock(mu_);
        return expired_;
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false, expired_ = false;
    std::thread thread_;
};

class CrashTest : public ::testing::Test {
  protected:
    void SetUp() override {
        static bool registered = (std::atexit(KillServerAtExit), true);
        (void)registered;
        dir_ = std::filesystem::temp_directory_path() / ("andel-crash-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        database_url_ = "sqlite:" + (dir_ / "crash.db").string();
        config_ = test::SourcePath("config");
    }
    void TearDown() override {
        KillServerAtExit();
        if (HasFailure())
            std::cout << "receipt crash test: the database is kept in " << dir_.string() << "\n";
        else
            std::filesystem::remove_all(dir_);
    }
    std::string Common() const {
        std::string s = "--config ";
        s += config_;
        s += " --database ";
        s += database_url_;
        return s;
    }

    std::filesystem::path dir_;
    std::string database_url_, config_;
};

TEST_F(CrashTest, KilledServerLosesNoAcknowledgedReceiptAndCountsNoneTwice) {
    Watchdog watchdog;
    auto started = SteadyClock::now();

    // 1. A database with generated members and a till key of dk-odense-1.
    auto migrate = Andel("migrate " + Common());
    ASSERT_EQ(migrate.exit_code, 0) << migrate.output;
    auto generate = Andel("generate --members 200 " + Common());
    ASSERT_EQ(generate.exit_code, 0) << generate.output;
    auto key = Andel("keys create --role till --name crash --store dk-odense-1 " + Common());
    ASSERT_EQ(key.exit_code, 0) << key.output;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(key.output, match, std::regex("andel_[0-9a-f]{16}_[0-9a-f]{64}")))
        << key.output;
    const std::string token = match[0];
    std::vector<std::string> cards;
    {
        auto db = store::Open(database_url_);
        auto c = db->Read();
        for (const auto& row :
             c->Query("SELECT c.card_number FROM cards c JOIN members m ON m.id = c.member_id "
                      "WHERE m.market = 'dk' AND m.status = 'active' AND c.status = 'active' ORDER BY c.id"))
            cards.push_back(row.Text(0));
    }
    ASSERT_GE(cards.size(), 10u) << "the generated dataset has too few Danish cards";

    // 2. Rounds: start, replay, post under load, SIGKILL.
    std::mt19937_64 rng(20261123);
    std::map<std::string, Receipt> acknowledged;  // by receipt id
    std::set<std::string> attempted;              // every id whose request may have reached a server
    std::vector<Receipt> in_flight;               // of the last round, to retry after the restart
    int64_t posted = 0, replays = 0, retried_committed = 0, retried_new = 0;
    std::vector<std::string> unexpected;
    std::vector<int64_t> per_round;

    // After a restart: a few acknowledged receipts again answer 200 replayed with the same bonus; the
    // receipts in flight at the kill are posted again, as a till would, and are then acknowledged.
    auto replay_and_retry = [&](int port) {
        Connection conn(port);
        std::vector<const Receipt*> pool;
        for (const auto& [id, r] : acknowledged) pool.push_back(&r);
        std::shuffle(pool.begin(), pool.end(), rng);
        for (size_t i = 0; i < std::min<size_t>(pool.size(), 5); ++i) {
            const Receipt& r = *pool[i];
            auto reply = conn.Post("/api/v1/till/receipts", token, r.body);
            int64_t bonus = -1;
            bool replayed = false;
            EXPECT_EQ(reply.status, 200) << r.id << ": " << reply.body;
            EXPECT_TRUE(ReadAcknowledgement(reply.body, r.id, bonus, replayed)) << reply.body;
            EXPECT_TRUE(replayed) << r.id << ": " << reply.body;
            EXPECT_EQ(bonus, r.bonus) << r.id << ": the replay answers another bonus: " << reply.body;
            ++replays;
        }
        for (auto& r : in_flight) {
            auto reply = conn.Post("/api/v1/till/receipts", token, r.body);
            bool replayed = false;
            if ((reply.status != 200 && reply.status != 201) ||
                !ReadAcknowledgement(reply.body, r.id, r.bonus, replayed) ||
                replayed != (reply.status == 200)) {
                ADD_FAILURE() << "retry of " << r.id << " in flight at the kill: " << reply.status << " "
                              << reply.body;
                continue;
            }
            ++(replayed ? retried_committed : retried_new);
            acknowledged.emplace(r.id, r);
        }
        in_flight.clear();
    };

    int rounds = 0;
    for (int round = 0; round < kRounds; ++round) {
        if (SteadyClock::now() - started > kSoftLimit || watchdog.expired()) {
            ADD_FAILURE() << "out of time after " << rounds << " rounds";
            break;
        }
        Server server = StartServer(database_url_, config_);
        if (server.port == 0) {
            StopServer(server, SIGKILL);
            FAIL() << "round " << round << ": the server did not start: " << server.printed;
        }
        replay_and_retry(server.port);

        std::atomic<bool> stop{false};
        std::vector<TillLog> logs(kClients);
        std::vector<std::thread> tills;
        for (int t = 0; t < kClients; ++t)
            tills.emplace_back(Till, server.port, std::cref(token), round, t, std::cref(cards), rng(),
                               std::cref(stop), std::ref(logs[t]));
        std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(100, 400)(rng)));
        int status = StopServer(server, SIGKILL);
        stop = true;
        for (auto& t : tills) t.join();
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            << "round " << round << ": the server ended before the kill, status " << status;

        int64_t acked = 0;
        for (auto& log : logs) {
            posted += log.posted;
            acked += static_cast<int64_t>(log.acknowledged.size());
            for (auto& r : log.acknowledged) {
                attempted.insert(r.id);
                acknowledged.emplace(r.id, std::move(r));
            }
            for (auto& r : log.in_flight) {
                attempted.insert(r.id);
                in_flight.push_back(std::move(r));
            }
            for (auto& u : log.unexpected) unexpected.push_back("round " + std::to_string(round) + ": " + u);
        }
        per_round.push_back(acked);
        ++rounds;
    }
    ASSERT_FALSE(HasFatalFailure());

    // A last start: replays and retries, then a graceful stop, so the database holds every receipt sent.
    {
        Server server = StartServer(database_url_, config_);
        ASSERT_NE(server.port, 0) << "the server did not start after the last kill: " << server.printed;
        replay_and_retry(server.port);
        int status = StopServer(server, SIGTERM);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
    }

    EXPECT_TRUE(unexpected.empty()) << unexpected.size()
                                    << " unexpected answers under load, the first: " << unexpected.front();
    for (size_t i = 0; i < per_round.size(); ++i)
        EXPECT_GT(per_round[i], 0) << "round " << i << " acknowledged nothing";

    // 3. The database: every acknowledged receipt once, with the acknowledged bonus, posted once.
    auto db = store::Open(database_url_);
    auto c = db->Read();
    struct Stored {
        int count = 0;
        int64_t total = 0, bonus = 0, entries = 0;
        bool has_entry = false;
    };
    std::map<std::string, Stored> stored;
    for (const auto& row :
         c->Query("SELECT r.receipt_key, r.total_minor, r.bonus_minor, r.entry_id, "
                  "  (SELECT COUNT(*) FROM ledger_entries e "
                  "   WHERE e.source_key = 'store:' || r.store_id || '/receipt:' || r.receipt_key) "
                  "FROM receipts r")) {
        auto& s = stored[row.Text(0)];
        ++s.count;
        s.total = row.Int(1);
        s.bonus = row.Int(2);
        s.has_entry = !row.IsNull(3);
        s.entries = row.Int(4);
    }
    int64_t earned = 0, problems = 0;
    for (const auto& [id, r] : acknowledged) {
        auto it = stored.find(id);
        if (it == stored.end()) {
            ADD_FAILURE() << "acknowledged receipt " << id << " (bonus " << r.bonus << ") is lost";
            if (++problems > 20) break;
            continue;
        }
        const Stored& s = it->second;
        bool ok = s.count == 1 && s.total == r.amount && s.bonus == r.bonus &&
                  s.entries == (r.bonus > 0 ? 1 : 0) && s.has_entry == (r.bonus > 0);
        EXPECT_TRUE(ok) << id << ": stored " << s.count << " time(s), total " << s.total << " (sent "
                        << r.amount << "), bonus " << s.bonus << " (acknowledged " << r.bonus << "), "
                        << s.entries << " ledger entries, entry_id " << (s.has_entry ? "set" : "NULL");
        if (!ok && ++problems > 20) break;
        if (r.bonus > 0) ++earned;
    }
    for (const auto& [id, s] : stored)
        EXPECT_TRUE(attempted.contains(id)) << "receipt " << id << " is stored but was never sent";
    EXPECT_EQ(stored.size(), acknowledged.size()) << "after the retries every stored receipt is acknowledged";

    // Entries for receipts exist only for stored receipts.
    auto orphans = c->QueryOne(
        "SELECT COUNT(*) FROM ledger_entries e WHERE e.source_kind = 'receipt' AND NOT EXISTS "
        "(SELECT 1 FROM receipts r WHERE r.entry_id = e.id)");
    EXPECT_EQ(orphans->Int(0), 0) << "ledger entries of receipts that are not stored";

    // Each household's bonus account holds the bonus of its receipts.
    std::map<int64_t, int64_t> balance, owed;
    for (const auto& row : c->Query("SELECT owner_id, balance FROM ledger_accounts WHERE kind = $1 AND "
                                    "owner_kind = 'household' AND unit = 'DKK'",
                                    {store::Text(core::account_kind::kHouseholdBonus)}))
        balance[row.Int(0)] = row.Int(1);
    for (const auto& row :
         c->Query("SELECT household_id, SUM(bonus_minor) FROM receipts WHERE household_id IS "
                  "NOT NULL GROUP BY household_id"))
        if (row.Int(1) != 0) owed[row.Int(0)] = row.Int(1);
    for (auto it = balance.begin(); it != balance.end();)
        it = it->second == 0 ? balance.erase(it) : std::next(it);
    EXPECT_EQ(balance, owed) << "household bonus balances differ from the bonus of their receipts";

    auto ledger_problems = store::LedgerRepository(*c).Check(10);
    EXPECT_TRUE(ledger_problems.empty()) << ledger_problems.front();
    auto check = Andel("check ledger " + Common());
    EXPECT_EQ(check.exit_code, 0) << check.output;

    auto elapsed = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - started).count();
    std::cout << "receipt crash test: " << rounds << " rounds killed with SIGKILL, " << posted
              << " receipts posted, " << acknowledged.size() << " acknowledged (" << earned
              << " earned bonus), " << replays
              << " replays checked, in flight at a kill: " << retried_committed << " had committed, "
              << retried_new << " had not; " << elapsed << " ms\n";
    EXPECT_EQ(rounds, kRounds);
    EXPECT_GT(acknowledged.size(), 0u);
}

}  // namespace
}  // namespace andel
