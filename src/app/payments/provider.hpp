#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace andel::app {

// What a payment service provider answered. `kTimeout`: no answer in time; the outcome is unknown, so the
// caller must find out later (Lookup) before it may assume that no money was taken.
enum class ProviderOutcome { kOk, kDeclined, kNotFound, kTimeout, kError };

struct ProviderAnswer {
    ProviderOutcome outcome = ProviderOutcome::kError;
    std::string id;      // the authorisation's id (authorise, lookup)
    std::string label;   // a method's label (verify), e.g. "Visa •••• 4242"
    std::string reason;  // why it was declined, or what went wrong (for the log; never shown raw)
    std::string status;  // lookup: authorised | captured | voided | refunded
};

// The payment service provider behind Coopay (R_PAY_1): tokens of payment methods, authorisations,
// capture, refund and void. Andel never sees a card number. Every call names Andel's own reference (the
// payment id), so an authorisation whose answer was lost can be found again (Lookup) and voided.
class PaymentProvider {
  public:
    virtual ~PaymentProvider() = default;
    virtual ProviderAnswer Verify(const std::string& token) = 0;
    virtual ProviderAnswer Authorise(const std::string& token, int64_t amount_minor,
                                     const std::string& currency, const std::string& reference) = 0;
    virtual ProviderAnswer Capture(const std::string& id, int64_t amount_minor) = 0;
    virtual ProviderAnswer Refund(const std::string& id, int64_t amount_minor,
                                  const std::string& reference) = 0;
    virtual ProviderAnswer Void(const std::string& id) = 0;
    virtual ProviderAnswer Lookup(const std::string& reference) = 0;
};

// A provider over HTTP and JSON (docs/integrating-payments.md describes the protocol; the demo and the tests
// run Andel's own small provider, src/http/dev_psp.*, on 127.0.0.1):
//   POST {base}/v1/tokens/verify            {"token"}                         -> 200 {"label"} | 402
//   POST {base}/v1/authorisations           {"token","amount_minor","currency","reference"}
//                                                                             -> 201 {"id"} | 402 {"reason"}
//   POST {base}/v1/authorisations/{id}/capture  {"amount_minor"}              -> 200
//   POST {base}/v1/authorisations/{id}/refunds  {"amount_minor","reference"}  -> 200
//   POST {base}/v1/authorisations/{id}/void                                  -> 200
//   GET  {base}/v1/authorisations?reference=R                               -> 200 {"id","status"} | 404
// Every call has a total timeout of `timeout_ms`; the key goes as "Authorization: Bearer".
class HttpPaymentProvider final : public PaymentProvider {
  public:
    HttpPaymentProvider(std::string base_url, std::string api_key, long timeout_ms = 5'000)
        : base_(std::move(base_url)), key_(std::move(api_key)), timeout_ms_(timeout_ms) {}
    ProviderAnswer Verify(const std::string& token) override;
    ProviderAnswer Authorise(const std::string& token, int64_t amount_minor, const std::string& currency,
                             const std::string& reference) override;
    ProviderAnswer Capture(const std::string& id, int64_t amount_minor) override;
    ProviderAnswer Refund(const std::string& id, int64_t amount_minor, const std::string& reference) override;
    ProviderAnswer Void(const std::string& id) override;
    ProviderAnswer Lookup(const std::string& reference) override;

  private:
    ProviderAnswer Call(const std::string& method, const std::string& path, const std::string& body);
    std::string base_, key_;
    long timeout_ms_;
};

}  // namespace andel::app
