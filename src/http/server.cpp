#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "http/urlencoded.hpp"

namespace andel::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;
// Sockets bound to their io_context's own executor type: no type-erased executor on the hot path.
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

constexpr std::size_t kReadChunk = 8 * 1024;
// After an error response the peer may still be sending a body; drain it for a while before closing, or
// the close turns into a TCP reset that can destroy the response before the peer reads it.
constexpr std::chrono::milliseconds kLingerTime{2'000};
constexpr std::size_t kLingerBytes = 1024 * 1024;
constexpr std::chrono::milliseconds kForceCloseWait{1'000};
constexpr std::string_view kProblemType = "https://andel.coop/problems/";
constexpr std::string_view kProblemContentType = "application/problem+json";

auto Await(ErrorCode& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// Boost 1.74's beast::string_view is boost::string_view, which does not convert to or from std::string_view.
std::string_view Sv(beast::string_view s) { return {s.data(), s.size()}; }
beast::string_view Bv(std::string_view s) { return {s.data(), s.size()}; }

// ---- pure helpers -------------------------------------------------------------------------------------

std::string ProblemBody(int status, std::string_view slug, std::string_view title, std::string_view detail) {
    nlohmann::json problem = {{"type", std::string(kProblemType) + std::string(slug)},
                              {"title", title},
                              {"status", status},
                              {"detail", detail}};
    return problem.dump();
}

Response Problem(int status, std::string_view slug, std::string_view title, std::string_view detail) {
    return Response::Text(status, ProblemBody(status, slug, title, detail), std::string(kProblemContentType));
}

Response Problem(core::ErrorCode code, std::string_view detail) {
    const core::ErrorInfo& info = core::Describe(code);
    return Problem(info.status, info.slug, info.title, detail);
}

// Fills path and query from the raw target. Absolute-form ("http://host/p?q", RFC 9112 3.2.2) is reduced
// to its path; "*" (OPTIONS) is kept as the path. False when the target cannot be decoded.
bool ParseTarget(std::string_view target, Request& request) {
    if (target == "*") {
        request.path = "*";
        return true;
    }
    if (!target.starts_with('/')) {
        const std::size_t scheme_end = target.find("://");
        if (scheme_end == std::string_view::npos) return false;
        const std::size_t path_start = target.find_first_of("/?", scheme_end + 3);
        target = path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
        if (target.starts_with('?')) {
            // "http://host?x" has an empty path, which means "/".
            request.path = "/";
            return ParseQuery(target.substr(1), request.query);
        }
    }
    const std::size_t question = target.find('?');
    auto path = PercentDecode(target.substr(0, question), false);
    if (!path) return false;
    request.path = std::move(*path);
    if (question == std::string_view::npos) return true;
    return ParseQuery(target.substr(question + 1), request.query);
}

bool IsSaneRequestId(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
               c == '_' || c == '-';
    });
}

std::string NewRequestId() {
    thread_local std::mt19937_64 random = [] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device()};
        return std::mt19937_64(seed);
    }();
    static constexpr char kHex[] = "0123456789abcdef";
    std::uint64_t bits = random();
    std::string id(16, '0');
    for (int i = 15; i >= 0; --i, bits >>= 4) id[static_cast<std::size_t>(i)] = kHex[bits & 0xF];
    return id;
}

std::string RequestIdFor(const BeastRequest& message) {
    const auto incoming = message.find("X-Request-Id");
    if (incoming != message.end() && IsSaneRequestId(Sv(incoming->value())))
        return std::string(Sv(incoming->value()));
    return NewRequestId();
}

// The IMF-fixdate of RFC 9110 5.6.7, formatted at most once a second per thread (no locale involved).
std::string_view HttpDate() {
    thread_local std::time_t cached_second = -1;
    thread_local char text[32];
    const std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
        static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        std::tm tm{};
        gmtime_r(&now, &tm);
        std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                      kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
        cached_second = now;
    }
    return text;
}

// RFC 9110 5.6.2 token characters, for header names a handler sets.
bool IsToken(std::string_view s) {
    static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               kSpecials.find(c) != std::string_view::npos;
    });
}

// No CR, LF or NUL: a handler's header value must not be able to split the response.
bool IsSafeFieldValue(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) == s.npos; }

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// The problem to answer for a request that could not be read, or nothing when the peer went away or timed
// out (then there is no one to answer).
std::optional<Response> ProblemForReadError(const ErrorCode& ec) {
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
        return Problem(431, "headers-too-large", "Request header fields too large",
                       "The request line and headers exceed the server's limit.");
    if (ec == bhttp::error::body_limit)
        return Problem(core::ErrorCode::kTooLarge, "The request body exceeds the server's limit.");
    static const auto& kHttpCategory = bhttp::make_error_code(bhttp::error::bad_method).category();
    if (ec.category() == kHttpCategory && ec != bhttp::error::partial_message &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::need_more)
        return Problem(core::ErrorCode::kMalformed,
                       "The request is not valid HTTP/1.1: " + ec.message() + ".");
    return std::nullopt;
}

bool StatusHasNoBody(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

// ---- connections -------------------------------------------------------------------------------------

class Connection;

// What every connection shares with the server.
struct Shared {
    ServerOptions options;
    Handler& handler;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> active{0};
};

// One io_context and the thread that runs it. `connections` is touched only on that thread; it is
// declared before `context` so it outlives the coroutine frames the context destroys on shutdown.
struct Worker {
    std::list<Connection*> connections;
    asio::io_context context{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::thread thread;
};

// The client's address: the TCP peer, or, behind a trusted proxy, the rightmost X-Forwarded-For entry that
// is not a trusted proxy (entries further left are written by the client and may be forged).
std::string ClientAddress(const Request& request, const std::string& peer,
                          const std::vector<std::string>& trusted) {
    auto is_trusted = [&](std::string_view a) {
        return std::find(trusted.begin(), trusted.end(), a) != trusted.end();
    };
    if (trusted.empty() || !is_trusted(peer)) return peer;
    std::string client = peer;
    for (const auto& [name, value] : request.headers) {
        if (name != "x-forwarded-for") continue;
        std::string_view rest = value;
        std::vector<std::string_view> hops;
        while (!rest.empty()) {
            size_t comma = rest.find(',');
            std::string_view hop = rest.substr(0, comma);
            while (!hop.empty() && hop.front() == ' ') hop.remove_prefix(1);
            while (!hop.empty() && hop.back() == ' ') hop.remove_suffix(1);
            if (!hop.empty()) hops.push_back(hop);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
            if (it->size() > 64) break;  // not an address
            client = std::string(*it);
            if (!is_trusted(*it)) break;
        }
    }
    return client;
}

class Connection {
  public:
    Connection(Shared& shared, Worker& worker, Socket socket)
        : shared_(shared), worker_(worker), socket_(std::move(socket)) {
        ErrorCode ec;
        const tcp::endpoint remote = socket_.remote_endpoint(ec);
        if (!ec) remote_address_ = remote.address().to_string();
        deadline_ = Clock::now() + shared_.options.idle_timeout;
        registration_ = worker_.connections.insert(worker_.connections.end(), this);
    }
    ~Connection() {
        worker_.connections.erase(registration_);
        shared_.active.fetch_sub(1);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    asio::awaitable<void> Serve();

    // On shutdown: a connection between requests (or lingering after its last response) goes now.
    void CloseIfIdle() {
        if (state_ == State::kIdle || state_ == State::kClosing) Close();
    }
    // Called by the worker's watchdog: read, idle, write and linger timeouts all end here.
    void CloseIfExpired(Clock::time_point now) {
        if (now >= deadline_) Close();
    }
    void Close() {
        ErrorCode ignored;
        socket_.close(ignored);
    }

  private:
    enum class State { kIdle, kReading, kBusy, kWriting, kClosing };

    asio::awaitable<bool> Respond(BeastRequest& message);
    Response CallHandler(Request& request);
    BeastResponse Encode(Response response, const BeastRequest& message, const std::string& request_id,
                         bool& keep_alive);
    asio::awaitable<void> RejectAndClose(Response problem, const std::string& request_id);
    asio::awaitable<void> LingeringClose();

    void Enter(State state, Clock::duration timeout) {
        state_ = state;
        deadline_ = Clock::now() + timeout;
    }

    Shared& shared_;
    Worker& worker_;
    Socket socket_;
    beast::flat_buffer buffer_;
    std::string remote_address_;
    State state_ = State::kIdle;
    Clock::time_point deadline_;
    std::list<Connection*>::iterator registration_;
};

asio::awaitable<void> Connection::Serve() {
    const ServerOptions& options = shared_.options;
    for (;;) {
        if (buffer_.size() == 0) {
            // Idle between requests: wait for the first byte, under the idle timeout.
            if (shared_.stopping.load()) co_return;
            Enter(State::kIdle, options.idle_timeout);
            ErrorCode ec;
            const std::size_t n = co_await socket_.async_read_some(buffer_.prepare(kReadChunk), Await(ec));
            if (ec) co_return;  // peer closed, idle timeout, or shutdown
            buffer_.commit(n);
        }
        // The read timeout covers the whole request from its first byte (slow-loris protection).
        Enter(State::kReading, options.read_timeout);
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(
            static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
        parser.body_limit(options.max_body_bytes);  // checked against Content-Length and while reading chunks
        ErrorCode ec;
        co_await bhttp::async_read_header(socket_, buffer_, parser, Await(ec));
        if (!ec && !parser.is_done()) {
            const auto expect = parser.get().find(bhttp::field::expect);
            if (expect != parser.get().end() && beast::iequals(expect->value(), "100-continue") &&
                parser.get().version() >= 11) {
                static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
                co_await asio::async_write(socket_, asio::buffer(kContinue), Await(ec));
            }
            if (!ec) co_await bhttp::async_read(socket_, buffer_, parser, Await(ec));
        }
        if (ec) {
            if (auto problem = ProblemForReadError(ec)) {
                const std::string request_id =
                    parser.is_header_done() ? RequestIdFor(parser.get()) : NewRequestId();
                co_await RejectAndClose(std::move(*problem), request_id);
            }
            co_return;
        }
        BeastRequest message = parser.release();
        if (!co_await Respond(message)) co_return;
    }
}

// Answers one fully read request. Returns whether the connection stays open for the next one.
asio::awaitable<bool> Connection::Respond(BeastRequest& message) {
    Enter(State::kBusy, Clock::duration::max() / 2);  // the handler itself is not timed out here
    Request request;
    request.request_id = RequestIdFor(message);
    Response response;
    if (!ParseTarget(Sv(message.target()), request)) {
        response = Problem(core::ErrorCode::kMalformed,
                           "The request target has an invalid percent-escape or an encoded NUL.");
    } else {
        request.method = std::string(Sv(message.method_string()));
        request.target = std::string(Sv(message.target()));
        request.headers.reserve(16);
        for (const auto& field : message)
            request.headers.emplace_back(Lower(Sv(field.name_string())), Sv(field.value()));
        request.body = std::move(message.body());
        request.remote_address = ClientAddress(request, remote_address_, shared_.options.trusted_proxies);
        response = CallHandler(request);
    }
    bool keep_alive = message.keep_alive();
    BeastResponse out = Encode(std::move(response), message, request.request_id, keep_alive);

    Enter(State::kWriting, shared_.options.write_timeout);
    ErrorCode ec;
    co_await bhttp::async_write(socket_, out, Await(ec));
    if (ec) co_return false;
    if (keep_alive) co_return true;
    if (buffer_.size() > 0 || socket_.available(ec) > 0) {
        co_await LingeringClose();
    } else {
        socket_.shutdown(tcp::socket::shutdown_send, ec);
    }
    co_return false;
}

// The one catch at the top of a request (STYLE.md "Errors"): a throwing handler costs a 500, not the
// connection. The log names the request but never carries its body.
Response Connection::CallHandler(Request& request) {
    try {
        return shared_.handler.Handle(request);
    } catch (const std::exception& e) {
        spdlog::error("handler failed: {} {} request_id={} remote={}: {}", request.method, request.path,
                      request.request_id, request.remote_address, e.what());
    } catch (...) {
        spdlog::error("handler failed: {} {} request_id={} remote={}: unknown exception", request.method,
                      request.path, request.request_id, request.remote_address);
    }
    return Problem(core::ErrorCode::kInternal,
                   "The server failed to handle the request; it has been logged.");
}

BeastResponse Connection::Encode(Response response, const BeastRequest& message,
                                 const std::string& request_id, bool& keep_alive) {
    if (response.status < 100 || response.status > 999) {
        spdlog::error("handler returned invalid status {} for {} request_id={}", response.status,
                      Sv(message.target()), request_id);
        response = Problem(core::ErrorCode::kInternal, "The server produced an invalid response.");
    }
    BeastResponse out;
    out.version(message.version() == 10 ? 10 : 11);
    out.result(static_cast<unsigned>(response.status));
    out.set(bhttp::field::date, Bv(HttpDate()));
    out.set(bhttp::field::content_type, response.content_type);
    out.set("X-Request-Id", request_id);
    for (const auto& [name, value] : response.headers) {
        if (!IsToken(name) || !IsSafeFieldValue(value)) {
            spdlog::error("handler set an invalid header '{}' request_id={}; dropped", name, request_id);
            continue;
        }
        const bhttp::field known = bhttp::string_to_field(Bv(name));
        if (known == bhttp::field::content_length || known == bhttp::field::transfer_encoding) continue;
        if (known == bhttp::field::connection) {
            if (beast::iequals(value, "close")) keep_alive = false;
            continue;
        }
        out.insert(name, value);
    }
    keep_alive = keep_alive && !shared_.stopping.load();
    out.keep_alive(keep_alive);

    if (StatusHasNoBody(response.status)) return out;  // no body, no Content-Length
    const std::size_t length = response.body.size();
    if (message.method() == bhttp::verb::head) {
        out.content_length(length);  // what a GET would have sent, without the bytes
    } else {
        out.body() = std::move(response.body);
        out.content_length(length);
    }
    return out;
}

// For requests that could not be read: answer the problem, then close (the framing is lost).
asio::awaitable<void> Connection::RejectAndClose(Response problem, const std::string& request_id) {
    BeastResponse out;
    out.version(11);
    out.result(static_cast<unsigned>(problem.status));
    out.set(bhttp::field::date, Bv(HttpDate()));
    out.set(bhttp::field::content_type, problem.content_type);
    out.set("X-Request-Id", request_id);
    out.keep_alive(false);
    out.body() = std::move(problem.body);
    out.prepare_payload();
    Enter(State::kWriting, shared_.options.write_timeout);
    ErrorCode ec;
    co_await bhttp::async_write(socket_, out, Await(ec));
    if (!ec) co_await LingeringClose();
}

asio::awaitable<void> Connection::LingeringClose() {
    ErrorCode ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec || shared_.stopping.load()) co_return;
    Enter(State::kClosing, std::min<Clock::duration>(kLingerTime, shared_.options.read_timeout));
    buffer_.clear();
    std::size_t drained = 0;
    while (drained < kLingerBytes) {
        const std::size_t n = co_await socket_.async_read_some(buffer_.prepare(kReadChunk), Await(ec));
        if (ec) break;
        drained += n;
    }
}

asio::awaitable<void> ServeConnection(Shared& shared, Worker& worker, Socket socket) {
    Connection connection(shared, worker, std::move(socket));
    try {
        co_await connection.Serve();
    } catch (const std::exception& e) {
        spdlog::error("connection failed: {}", e.what());
    }
}

// Completion for co_spawn: a coroutine that escapes with an exception is logged, never silently lost.
void LogEscaped(std::exception_ptr error, const char* what) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        spdlog::critical("http {} ended by an exception: {}", what, e.what());
    } catch (...) {
        spdlog::critical("http {} ended by an unknown exception", what);
    }
}

// The worker's watchdog: instead of a timer per connection (re-armed on every request), one periodic
// sweep closes the connections whose deadline has passed. Precision is one period.
asio::awaitable<void> Watchdog(Worker& worker, Clock::duration period) {
    asio::steady_timer timer(worker.context);
    for (;;) {
        timer.expires_after(period);
        ErrorCode ec;
        co_await timer.async_wait(Await(ec));
        if (ec) co_return;
        const auto now = Clock::now();
        for (Connection* connection : worker.connections) connection->CloseIfExpired(now);
    }
}

Clock::duration WatchdogPeriod(const ServerOptions& options) {
    const auto shortest = std::min({options.read_timeout, options.idle_timeout, options.write_timeout});
    return std::clamp<Clock::duration>(shortest / 8, std::chrono::milliseconds(5),
                                       std::chrono::milliseconds(500));
}

// The 503 for connections over the limit, composed once; only the request id changes.
std::string BusyResponse(const std::string& request_id) {
    static const std::string kBody = ProblemBody(503, core::Describe(core::ErrorCode::kUnavailable).slug,
                                                 core::Describe(core::ErrorCode::kUnavailable).title,
                                                 "Too many connections; retry shortly.");
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: 1\r\n"
           "Connection: close\r\nX-Request-Id: " +
           request_id + "\r\nContent-Length: " + std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
}

}  // namespace

// ---- the server ----------------------------------------------------------------------------------------

class Server::Impl {
  public:
    Impl(ServerOptions options, Handler& handler) : shared_{std::move(options), handler} {}
    ~Impl() { Stop(); }

    void Start();
    void Stop();
    void Wait() {
        std::unique_lock lock(mutex_);
        stopped_.wait(lock, [this] { return phase_ == Phase::kStopped; });
    }
    uint16_t port() const { return port_; }
    std::size_t active_connections() const { return shared_.active.load(); }

  private:
    enum class Phase { kNew, kRunning, kStopped };

    asio::awaitable<void> Accept();
    void RefuseBusy(Socket& socket);
    bool WaitForConnections(Clock::duration limit) const;

    Shared shared_;  // first: outlives the workers and the connections they hold
    std::vector<std::unique_ptr<Worker>> workers_;
    std::optional<tcp::acceptor> acceptor_;  // on workers_[0]; declared after workers_ so destroyed first
    std::size_t next_worker_ = 0;            // touched only by Accept()
    uint16_t port_ = 0;

    std::mutex stop_mutex_;  // serialises Stop()
    std::mutex mutex_;       // guards phase_
    std::condition_variable stopped_;
    Phase phase_ = Phase::kNew;
};

void Server::Impl::Start() {
    {
        std::lock_guard lock(mutex_);
        if (phase_ != Phase::kNew) throw std::logic_error("Server::Start called twice");
    }
    const ServerOptions& options = shared_.options;
    const unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                                 : std::max(1u, std::thread::hardware_concurrency());
    // workers_[0] only accepts; connections are served by workers_[1..threads]. A handler that blocks (a
    // slow database, an outbound call to an OpenID issuer) then never stops the server from accepting.
    for (unsigned i = 0; i <= threads; ++i) workers_.push_back(std::make_unique<Worker>());

    const std::string where = options.address + ":" + std::to_string(options.port);
    ErrorCode ec;
    const auto address = asio::ip::make_address(options.address, ec);
    if (ec) throw std::runtime_error("invalid listen address " + options.address + ": " + ec.message());
    const tcp::endpoint endpoint(address, options.port);
    acceptor_.emplace(workers_[0]->context);
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        acceptor_.reset();
        workers_.clear();
        throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    }
    port_ = acceptor_->local_endpoint().port();

    asio::co_spawn(workers_[0]->context, Accept(),
                   [](std::exception_ptr e) { LogEscaped(e, "accept loop"); });
    const auto period = WatchdogPeriod(options);
    for (auto& worker : workers_) {
        worker->work.emplace(worker->context.get_executor());
        asio::co_spawn(worker->context, Watchdog(*worker, period),
                       [](std::exception_ptr e) { LogEscaped(e, "watchdog"); });
        worker->thread = std::thread([context = &worker->context] {
            for (;;) {
                try {
                    context->run();
                    return;
                } catch (const std::exception& e) {
                    spdlog::error("http io thread: {}", e.what());
                }
            }
        });
    }
    std::lock_guard lock(mutex_);
    phase_ = Phase::kRunning;
    spdlog::info("http server listening on {}:{} with {} threads", options.address, port_, threads);
}

asio::awaitable<void> Server::Impl::Accept() {
    for (;;) {
        Worker& worker = *workers_[1 + next_worker_++ % (workers_.size() - 1)];
        ErrorCode ec;
        Socket socket = co_await acceptor_->async_accept(worker.context, Await(ec));
        if (shared_.stopping.load() || !acceptor_->is_open()) co_return;
        if (ec) {
            // E.g. out of file descriptors: back off a little rather than spin.
            spdlog::warn("http accept failed: {}", ec.message());
            asio::steady_timer pause(acceptor_->get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(Await(ec));
            continue;
        }
        if (shared_.active.load() >= shared_.options.max_connections) {
            RefuseBusy(socket);
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        shared_.active.fetch_add(1);
        asio::co_spawn(worker.context, ServeConnection(shared_, worker, std::move(socket)), asio::detached);
    }
}

// Over max_connections: a best-effort 503 (a non-blocking write into the fresh socket's empty send buffer,
// so the accept loop never waits), then close. The peer may see a reset instead if its request had already
// arrived.
void Server::Impl::RefuseBusy(Socket& socket) {
    ErrorCode ec;
    socket.non_blocking(true, ec);
    const std::string response = BusyResponse(NewRequestId());
    if (!ec) socket.write_some(asio::buffer(response), ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.close(ec);
    spdlog::debug("http connection refused: {} connections open", shared_.active.load());
}

bool Server::Impl::WaitForConnections(Clock::duration limit) const {
    const auto deadline = Clock::now() + limit;
    while (shared_.active.load() > 0) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

void Server::Impl::Stop() {
    std::lock_guard stop_lock(stop_mutex_);
    {
        std::lock_guard lock(mutex_);
        if (phase_ == Phase::kStopped) return;
        if (phase_ == Phase::kNew) {
            phase_ = Phase::kStopped;
            stopped_.notify_all();
            return;
        }
    }
    // Every connection checks `stopping` before waiting for another request and answers with
    // "Connection: close"; the posts below reach the ones already waiting.
    shared_.stopping.store(true);
    asio::post(workers_[0]->context, [this] {
        ErrorCode ignored;
        acceptor_->close(ignored);
    });
    for (auto& worker : workers_) {
        asio::post(worker->context, [w = worker.get()] {
            for (Connection* connection : w->connections) connection->CloseIfIdle();
        });
    }
    if (!WaitForConnections(shared_.options.shutdown_grace)) {
        spdlog::warn("http shutdown: {} connections still busy after the grace period; closing them",
                     shared_.active.load());
        for (auto& worker : workers_) {
            asio::post(worker->context, [w = worker.get()] {
                for (Connection* connection : w->connections) connection->Close();
            });
        }
        WaitForConnections(kForceCloseWait);
    }
    for (auto& worker : workers_) {
        worker->work.reset();
        worker->context.stop();
    }
    for (auto& worker : workers_)
        if (worker->thread.joinable()) worker->thread.join();
    std::lock_guard lock(mutex_);
    phase_ = Phase::kStopped;
    stopped_.notify_all();
    spdlog::info("http server stopped");
}

Server::Server(ServerOptions options, Handler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}
Server::~Server() = default;
void Server::Start() { impl_->Start(); }
uint16_t Server::port() const { return impl_->port(); }
void Server::Stop() { impl_->Stop(); }
void Server::Wait() { impl_->Wait(); }
size_t Server::active_connections() const { return impl_->active_connections(); }

}  // namespace andel::http
