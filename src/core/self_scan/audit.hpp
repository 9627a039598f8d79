#pragma once
#include <cstdint>
#include <vector>

namespace andel::core {

// How likely a finished self-scan session is to be audited (R_SCAN_3, R_SCAN_4), in parts per million:
//
//     p = min(cap, base + step * sum over the member's recorded discrepancies of 2^(-age_days / half_life))
//
// A discrepancy recorded today adds one full step; one half_life_days old adds half a step. A member with
// none is audited at the base rate. [self_scan] of andel.toml sets the numbers (docs/self-scanning.md).
struct AuditPolicy {
    int64_t base_ppm = 20'000;   // 2 %
    int64_t step_ppm = 100'000;  // +10 % per fresh discrepancy
    int64_t cap_ppm = 600'000;   // at most 60 %
    int64_t half_life_days = 180;
    uint64_t seed = 20261123;  // the random source's seed: the same seed and session give the same draw
};

int64_t AuditProbabilityPpm(const AuditPolicy& policy, const std::vector<double>& discrepancy_ages_days);

// The draw for one session: a uniform number in [0, 10^6) from SplitMix64 of (seed, session id), below
// `probability_ppm` means audit. Deterministic, so a test (and a dispute) can replay it.
int64_t AuditDraw(uint64_t seed, int64_t session_id);
inline bool AuditChosen(uint64_t seed, int64_t session_id, int64_t probability_ppm) {
    return AuditDraw(seed, session_id) < probability_ppm;
}

}  // namespace andel::core
