#include "core/self_scan/audit.hpp"

#include <algorithm>
#include <cmath>

namespace andel::core {

int64_t AuditProbabilityPpm(const AuditPolicy& policy, const std::vector<double>& discrepancy_ages_days) {
    double weight = 0;
    for (double age : discrepancy_ages_days)
        weight +=
            std::exp2(-std::max(0.0, age) / static_cast<double>(std::max<int64_t>(1, policy.half_life_days)));
    double p = static_cast<double>(policy.base_ppm) + static_cast<double>(policy.step_ppm) * weight;
    return std::clamp<int64_t>(std::llround(p), 0, std::min<int64_t>(policy.cap_ppm, 1'000'000));
}

int64_t AuditDraw(uint64_t seed, int64_t session_id) {
    uint64_t z = seed + 0x9e3779b97f4a7c15ull * (static_cast<uint64_t>(session_id) + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return static_cast<int64_t>(z % 1'000'000);
}

}  // namespace andel::core
