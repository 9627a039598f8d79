#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace andel::app::auth {

// Time-based one-time passwords (RFC 6238) over HMAC-SHA1, as authenticator apps expect them.

// The code for `unix_seconds` (>= 0). `secret` is the raw key; digits in 1..10, step_seconds > 0 (otherwise
// std::invalid_argument: a bug, not input).
std::string TotpCode(std::string_view secret, int64_t unix_seconds, int digits = 6, int step_seconds = 30);

// Checks a 6-digit, 30-second code typed by the user against the steps within ±window (clamped to 0..10) of
// `unix_seconds`. Returns the matched time step, which the caller stores and passes back as
// `last_accepted_step` next time: a step <= last_accepted_step is never accepted again (replay protection).
// Anything but exactly 6 ASCII digits is refused. Comparison is constant-time.
std::optional<int64_t> TotpVerify(std::string_view secret, std::string_view code, int64_t unix_seconds,
                                  std::optional<int64_t> last_accepted_step, int window = 1);

// RFC 4648 base32: upper case, no padding.
std::string Base32Encode(std::string_view bytes);
// Accepts lower case, spaces and trailing '=' padding; nullopt on any other character or an impossible
// length.
std::optional<std::string> Base32Decode(std::string_view text);

// otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30 (Key URI format),
// for the QR code shown at enrolment. `secret` is the raw key.
std::string TotpProvisioningUri(std::string_view issuer, std::string_view account, std::string_view secret);

// A new 20-byte (160-bit, RFC 4226's recommendation) random secret, raw bytes (libsodium randombytes).
std::string NewTotpSecret();

}  // namespace andel::app::auth
