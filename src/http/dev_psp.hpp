#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "http/message.hpp"
#include "http/server.hpp"

namespace andel::http {

// Andel's own small payment service provider for the demo and the tests (never for real money): the
// protocol of app::HttpPaymentProvider, in memory, on 127.0.0.1 and an ephemeral port. Its tokens tell it
// how to behave, so a test can choose the outcome:
//   POST /v1/tokens {"card_number"}   a token for a test card: "4242424242424242" pays, "4000000000000002"
//                                     is declined at authorisation, "4000000000000119" answers after
//                                     `slow` (longer than a client's timeout): the outcome is unknown to it
// Authorisations hold the amount; capture takes up to it once; refunds up to what was captured; void
// releases an uncaptured one. Every call needs "Authorization: Bearer <key>".
class DevPaymentProvider final : public Handler {
  public:
    struct Authorisation {
        std::string id, token, currency, reference, status;  // authorised | captured | voided
        int64_t amount_minor = 0, captured_minor = 0, refunded_minor = 0;
    };

    explicit DevPaymentProvider(std::string key,
                                std::chrono::milliseconds slow = std::chrono::milliseconds(1500));
    ~DevPaymentProvider() override;
    // Serves on 127.0.0.1:`port` (0: any free port) in background threads.
    void Start(uint16_t port = 0);
    void Stop();
    std::string base_url() const;
    Response Handle(Request& request) override;

    std::optional<Authorisation> FindByReference(const std::string& reference) const;
    int authorisations() const;

  private:
    Response Route(Request& request);
    std::string key_;
    std::chrono::milliseconds slow_;
    mutable std::mutex mu_;
    std::map<std::string, Authorisation> by_id_;
    std::map<std::string, std::string> by_reference_;
    std::map<std::string, std::string> tokens_;  // token -> label
    int next_ = 1;
    std::unique_ptr<Server> server_;
};

}  // namespace andel::http
