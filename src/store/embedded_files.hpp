#pragma once
#include <map>
#include <string>
#include <string_view>

namespace andel::embedded {
// Files compiled into the binary (migrations/..., api/openapi.yaml), keyed by their path in the repository.
const std::map<std::string, std::string_view>& Files();
}  // namespace andel::embedded
